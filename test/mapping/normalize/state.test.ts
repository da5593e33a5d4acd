import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { type NormalizeContext, STATE_NOT_TEXT, STATE_UNRECOGNIZED, normalizeState } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const SHA: Record<string, string> = {
  ca: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
  ny: '1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683',
  dc: 'abecdf3503635c0be9eca61cddf5b25c7f8380d5aae7d73d0f62e9a38c87b70d',
  pr: '0510eddd781102030eb8860671503a28e6a37f5346de429bdd47c0a37c77cc7d',
  qc: '997164d13810adf6cab52541447d083c4472e5ca6052cc6ddd9501318ac5730c',
  nl: '1843653496800edfd0d30326c82f53b0338ed408468cca4a2f1b52f2f6395fc9',
  bc: '1e0bbd6c686ba050b8eb03ffeedc64fdc9d80947fce821abbe5d6dc8d252c5ac',
  ga: 'f52d63231eb0dbaac689ec9147e4b131fc95ef92d5bc78135b22934b36d76bf4',
  tx: '1b5b9ccb3e8d006a5230de9bda23ff91edc794d4f56410560830b418528e446c',
  georgia: '1c18bc2214f67ae19bbaa640fc776f5a4a38c4021d421cdd8cd3d2bcad23da93',
  bayern: '52b07f18c831ba4b08ba0b8bc84c6e023a825dfd385d20d8dcbf410d11c546e7',
  newsouthwales: '96236847af45f93f09c6ba2627cdb8da07e395f009d0e42f782cffb119cc24da',
  '\u00eeledefrance': '7f2f97f2a36f4cae0d099b382c08f83ec00532733befa7a2831942ab70360a48',
  fl: '593f2d04aab251f60c9e4b8bbc1e05a34e920980ec08351a18459b2bc7dbf2f6',
  az: '9c0ada37bf74aeefae949fdfc90db0cf6eaf90192eff67d65887771f0585e055',
  mn: 'ea43de53dc947fdf3cedaa4abc519f7889d5cd61f66a5ae764eb30d32c6186f9',
  ct: 'f8dcb34308e5c69f46a33cafa62bd922476b18c78a114eb144e34a5e374f7d60',
  sk: '32b56ed53348a8587f30c90e5c6406df95d3b8ab1130b1da62bcf492a8ed8a63',
  on: 'b8d31e852725afb1e26d53bab6095b2bff1749c9275be13ed1c05a56ed31ec09',
  wa: '87b810070b7c739690268360ea392429368787010a558a1837643058d2437dce',
  nm: '2ca7289b5248632c8fe5386b972e8fde6585068c5cb8e2948489e10e7be6d4d8',
  pe: 'cdf69b25a417e25753dc086819d2cdfd3939f7d0e175136812e936284bebb4a4',
  nsw: 'd3ef3c33db1fb92a87bc9b67e495a01e181a1c47c22e3aa32158e4500eeab448',
};

const rows: Array<[unknown, NormalizeContext | undefined, string]> = [
  ['CA', undefined, 'ca'],
  ['California', undefined, 'ca'],
  [' CALIFORNIA ', { country: 'us' }, 'ca'],
  ['TX', { country: 'us' }, 'tx'],
  [' new york ', undefined, 'ny'],
  ['NewYork', undefined, 'ny'],
  ['N.Y.', undefined, 'ny'],
  ['District of Columbia', { country: 'us' }, 'dc'],
  ['Washington, D.C.', undefined, 'dc'],
  ['Puerto Rico', { country: 'pr' }, 'pr'],
  ['Qu\u00e9bec', { country: 'ca' }, 'qc'],
  ['QUEBEC', undefined, 'qc'],
  ['Quebe\u0301c', undefined, 'qc'],
  ['Newfoundland & Labrador', { country: 'ca' }, 'nl'],
  ['Newfoundland and Labrador', { country: 'ca' }, 'nl'],
  ['british columbia', undefined, 'bc'],
  ['Georgia', { country: 'us' }, 'ga'],
  // Names are only mapped for US/CA (or unknown) countries: the country Georgia's "Georgia" region stays text.
  ['Georgia', { country: 'ge' }, 'georgia'],
  ['Bayern', { country: 'de' }, 'bayern'],
  ['New South Wales', { country: 'au' }, 'newsouthwales'],
  ['\u00cele-de-France', { country: 'fr' }, '\u00eeledefrance'],
  ['NSW', { country: 'au' }, 'nsw'],
  // Written abbreviations (AP / GPO / Canadian Press styles)
  ['Fla.', undefined, 'fl'],
  ['FLA', { country: 'us' }, 'fl'],
  ['Ariz.', { country: 'us' }, 'az'],
  ['Minn.', undefined, 'mn'],
  ['Conn.', undefined, 'ct'],
  ['Calif.', undefined, 'ca'],
  ['Wash.', undefined, 'wa'],
  ['N. Mex.', undefined, 'nm'],
  ['Ga.', undefined, 'ga'],
  ['Tex.', { country: 'us' }, 'tx'],
  ['Sask.', { country: 'ca' }, 'sk'],
  ['Ont.', undefined, 'on'],
  ['P.E.I.', { country: 'ca' }, 'pe'],
  ['Que.', { country: 'ca' }, 'qc'],
  ['Nfld.', undefined, 'nl'],
  // ISO 3166-2 forms
  ['US-FL', undefined, 'fl'],
  ['CA-ON', { country: 'ca' }, 'on'],
];

describe('normalizeState', () => {
  it.each(rows)('%j (%j) → %s', (input, ctx, out) => {
    expect(normalizeState(input, ctx)).toBe(out);
    expect(sha256Hex(out)).toBe(SHA[out]);
    expect(hashUserValue('state', input, ctx)).toBe(SHA[out]);
  });

  it.each([null, undefined, '', '  ', '..'])('%j is absent', (input) => {
    expect(normalizeState(input)).toBeNull();
  });

  it.each<[string, NormalizeContext | undefined]>([
    ['floridausa', undefined],
    ['XX', undefined],
    ['shipped', { country: 'us' }],
    ['Bayern', { country: 'us' }],
    ['Bayern', undefined],
    ['ZZ', { country: 'ca' }],
    ['Floridaa', { country: 'ca' }],
    ['US-XX', undefined],
  ])('%j (%j) → dropped: no US state or Canadian province', (input, ctx) => {
    expect(normalizeState(input, ctx)).toBe(STATE_UNRECOGNIZED);
    expect(hashUserValue('state', input, ctx)).toBe(STATE_UNRECOGNIZED);
  });

  it.each(['n/a', 'N/A', 'none', 'unknown', '-'])('%j is a placeholder: absent through hashUserValue', (input) => {
    expect(hashUserValue('state', input)).toBeNull();
    expect(hashUserValue('state', input, { country: 'us' })).toBeNull();
  });

  it('other countries keep the city-like rule: nothing dropped', () => {
    expect(normalizeState('Some Region 7', { country: 'de' })).toBe('someregion7');
    expect(normalizeState('XX', { country: 'au' })).toBe('xx');
  });

  it.each([true, {}, ['CA']])('%j is not text', (input) => {
    expect(normalizeState(input)).toBe(STATE_NOT_TEXT);
    expect(STATE_NOT_TEXT.message).toBe('state: not a text value; dropped');
  });
});
