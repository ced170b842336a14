import type { Me } from '../api/types';

/** Who sees the system status, the developer links and the footer's API link (issue #24 item 1). */
export const isOperatorOrAdmin = (me: Pick<Me, 'roles'> | undefined): boolean =>
  me?.roles.some((role) => role === 'platform_operator' || role === 'school_admin') ?? false;
