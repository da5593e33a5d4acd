/** The part of s3rver 3.7's API the tests use (the package ships no type declarations). */
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    /** 0 for a free port. */
    port?: number;
    silent?: boolean;
    vhostBuckets?: boolean;
    /** PEM key and certificate: serve HTTPS. */
    key?: string;
    cert?: string;
    /** Where objects are stored. */
    directory: string;
    configureBuckets?: { name: string; configs?: unknown[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** Resolves with the address it listens on. */
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    /** S3 event notifications, one per object written or deleted. */
    on(event: 'event', listener: (e: { Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[] }) => void): this;
  }
}
