import { NotFoundError } from '../domain/domain-error.js';
import { isSlug } from '../domain/ids.js';

/**
 * An id as problems name it: a slug as it is (`norm ghost`), like every domain message; anything
 * else JSON-quoted (`norm "GHOST"`, `norm "a b"`), because a route id that is not a slug may be
 * empty or hold spaces, quotes or control characters that would make the message ambiguous.
 */
const nameOfId = (id: string): string => (isSlug(id) ? id : JSON.stringify(id));

/** `norm ghost does not exist`: the one wording of a 404 for a route's subject. */
export const notFound = (kind: string, id: string, suffix = ''): NotFoundError => new NotFoundError('not-found', `${kind} ${nameOfId(id)} does not exist${suffix}`);
