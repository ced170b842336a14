import { HomeOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';

/** One entry of the main menu. Later work adds entries per role (and filters by permission). */
export interface NavItem {
  path: string;
  label: string;
  icon?: ReactNode;
}

export const navItems: NavItem[] = [{ path: '/', label: '首頁', icon: <HomeOutlined /> }];

/** Links that leave the SPA (served by the backend, not by the router). */
export const externalLinks = {
  apiDocs: '/api/docs/',
  openApiSpec: '/api/openapi.json',
} as const;

/** The menu key to highlight for a location: the longest matching nav path. */
export function selectedNavKey(pathname: string): string | undefined {
  return navItems
    .filter((item) =>
      item.path === '/' ? pathname === '/' : pathname === item.path || pathname.startsWith(`${item.path}/`),
    )
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
}
