import { ConfigError, parseConfig } from '../../src/config/config.js';

/** The smallest config parseConfig accepts: an ad account and a conversion token. */
export const validConfig = { ad_account_id: '549755885175', credentials: { auth_type: 'access_token', access_token: 'tok-123456' } };

/** The problems parseConfig reports for `raw` (ConfigError.problems), or [] when it is accepted. */
export function configProblems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
