import type { Me } from '../api/types';
import { useMe } from '../auth/hooks';

/** Who sees the system status, the developer links and the footer's API link (issue #24 item 1). */
export const isOperatorOrAdmin = (me: Pick<Me, 'roles'> | undefined): boolean =>
  me?.roles.some((role) => role === 'platform_operator' || role === 'school_admin') ?? false;

/**
 * Whether the signed-in user is the school admin: the 帳號管理 pages (menu access
 * `roles: ['school_admin']`) offer their controls only then (issue #24 item 5, "controls a user
 * cannot use are not offered"); anyone else reaching such a page by its address sees the refusal.
 */
export function useIsSchoolAdmin(): boolean {
  const { data: me } = useMe();
  return me?.roles.includes('school_admin') ?? false;
}
