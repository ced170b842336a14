import { DownOutlined, KeyOutlined, LogoutOutlined, MailOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { App as AntdApp, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { Me } from '../api/types';
import { APP_TITLE, APP_TITLE_EN } from '../appInfo';
import { appRoutePaths } from '../appRoutes';
import { useMe, useSession } from '../auth/hooks';
import { isOperatorOrAdmin } from '../lib/roles';
import { session } from '../auth/session';
import { NotificationBell } from '../components/NotificationBell';
import { useT, type T } from '../i18n';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { formatTerm, termLabel } from '../lib/roc';
import { externalLinks, pageName, selectedMenu, visibleMenu, type MenuEntry } from '../navigation';

const { Header, Sider, Content, Footer } = Layout;

export { APP_TITLE };

/** `110學年度第1學期` for the school's current term, or '' when there is none. */
export function currentTermText(term: Me['current_term']): string {
  if (!term) return '';
  const semester = term.semester;
  return (
    formatTerm(term.code) ||
    (semester === 0 || semester === 1 || semester === 2
      ? termLabel({ year: term.academic_year, semester })
      : '')
  );
}

function toMenuItems(entries: readonly MenuEntry[], t: T): NonNullable<MenuProps['items']> {
  return entries.map((entry) => {
    const label = t(entry.label, entry.en);
    return entry.children
      ? { key: entry.key, icon: entry.icon, label, children: toMenuItems(entry.children, t) }
      : {
          key: entry.key,
          icon: entry.icon,
          label: entry.path === undefined ? label : <Link to={entry.path}>{label}</Link>,
        };
  });
}

/**
 * The signed-in frame: header (title, the user's name, school and current term, account menu,
 * sign-out), side menu filtered by role and module, the routed page, footer. While a password
 * change is required there is no menu: the only way on is to change it (or sign out).
 * It provides antd's App context (`App.useApp()`: message, notification, modal) to every page
 * under it; loaded on demand (`signedInChunks.ts`), so none of that is in the sign-in bundle.
 */
export function AppLayout() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const t = useT();
  const { data: me } = useMe();
  const { mustChangePassword } = useSession();
  const forced = mustChangePassword || (me?.user.must_change_password ?? false);

  const entries = useMemo(() => (me && !forced ? visibleMenu(me, appRoutePaths) : []), [me, forced]);
  const { selectedKey, openKeys } = selectedMenu(pathname, entries);
  const [userOpenKeys, setUserOpenKeys] = useState<string[] | null>(null);
  const name = pageName(pathname, entries);
  const appTitle = t(APP_TITLE, APP_TITLE_EN);
  const heading = name ? t(name.label, name.en) : appTitle;
  // The browser tab (and a screen reader on arrival) names the page, not only the app.
  useEffect(() => {
    document.title = heading === appTitle ? appTitle : `${heading} - ${appTitle}`;
  }, [heading, appTitle]);

  const signOut = async () => {
    await session.signOut();
    await navigate('/login', { replace: true });
  };

  const accountItems: MenuProps['items'] = [
    ...(forced
      ? []
      : [
          { key: '/change-password', icon: <KeyOutlined />, label: <Link to="/change-password">{t('變更密碼', 'Change password')}</Link> },
          { key: '/account/email', icon: <MailOutlined />, label: <Link to="/account/email">{t('電子郵件設定', 'Email settings')}</Link> },
          { type: 'divider' as const },
        ]),
    { key: 'sign-out', icon: <LogoutOutlined />, label: t('登出', 'Sign out'), onClick: () => void signOut() },
  ];

  const term = currentTermText(me?.current_term ?? null);
  // Below antd's lg (992 px) the side menu is a drawer over the page, opened from the header's
  // 選單 button; it closes when a page is chosen (issue #24: it pushed the page aside on phones).
  const screens = Grid.useBreakpoint();
  const narrow = screens.lg === false;
  const [drawerOpen, setDrawerOpen] = useState(false);
  useEffect(() => setDrawerOpen(false), [pathname]);
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selectedKey ? [selectedKey] : []}
      openKeys={userOpenKeys ?? openKeys}
      onOpenChange={(keys) => setUserOpenKeys(keys)}
      items={toMenuItems(entries, t)}
      style={{ height: '100%', borderInlineEnd: 0 }}
      aria-label={t('主選單', 'Main menu')}
    />
  );

  return (
    <AntdApp>
      <Layout style={{ minHeight: '100vh' }}>
        <Header className="licheng-header" style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
          {narrow && entries.length > 0 && (
            <Button
              type="text"
              icon={<MenuOutlined />}
              style={{ color: '#fff', flex: 'none' }}
              aria-label={t('選單', 'Menu')}
              aria-expanded={drawerOpen}
              data-testid="menu-opener"
              onClick={() => setDrawerOpen(true)}
            />
          )}
          <Link to="/" style={{ flex: 'none' }}>
            <Typography.Title level={4} className="licheng-header-title" style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
              <span className="licheng-header-wide">{t(APP_TITLE, APP_TITLE_EN)}</span>
              {/* Phones: a short title leaves room for the bell and the account menu. */}
              <span className="licheng-header-narrow">{t('學習歷程', 'Licheng')}</span>
            </Typography.Title>
          </Link>
          <div style={{ flex: 1 }} />
          {me && (
            <Space size="middle" className="licheng-header-items" style={{ color: 'rgba(255,255,255,0.85)', whiteSpace: 'nowrap' }}>
              {me.school && (
                <span data-testid="header-school" className="licheng-header-wide">
                  {me.school.name}
                </span>
              )}
              {term && (
                <span data-testid="header-term" className="licheng-header-wide">
                  {term}
                </span>
              )}
              <LanguageSwitch style={{ color: '#fff' }} labelClassName="licheng-header-wide" />
              {!forced && <NotificationBell />}
              <Dropdown menu={{ items: accountItems }} trigger={['click']}>
                {/* The name shown, then what it opens (WCAG 2.5.3: the visible text is part of the name). */}
                <Button type="text" style={{ color: '#fff' }} aria-label={`${me.user.display_name} ${t('帳號選單', 'Account menu')}`}>
                  <UserOutlined />
                  <span data-testid="header-user">{me.user.display_name}</span>
                  <DownOutlined />
                </Button>
              </Dropdown>
              {/* On phones 登出 is in the account menu only. */}
              <Button icon={<LogoutOutlined />} onClick={() => void signOut()} className="licheng-header-wide">
                {t('登出', 'Sign out')}
              </Button>
            </Space>
          )}
        </Header>
        <Layout>
          {entries.length > 0 && !narrow && (
            <Sider width={220} theme="light">
              {menu}
            </Sider>
          )}
          {entries.length > 0 && narrow && (
            <Drawer
              placement="left"
              size={Math.min(300, window.innerWidth - 48)}
              open={drawerOpen}
              onClose={() => setDrawerOpen(false)}
              title={t('選單', 'Menu')}
              className="licheng-menu-drawer"
              styles={{ body: { padding: 0 } }}
            >
              {menu}
            </Drawer>
          )}
          <Layout>
            {/* antd's Content is the page's one <main> landmark. */}
            <Content className="licheng-content" style={{ padding: 24 }}>
              {/* The page's one level-1 heading, for screen readers' heading navigation; the
                  page's card shows the same name to the eye. */}
              <h1 className="licheng-visually-hidden" data-testid="page-heading">
                {heading}
              </h1>
              <div style={{ maxWidth: 1200, margin: '0 auto' }}>
                <Outlet />
              </div>
            </Content>
            <Footer className="licheng-footer" style={{ textAlign: 'center' }}>
              {t(APP_TITLE, APP_TITLE_EN)}
              {/* The API documents concern the operator and school admins only (issue #24 item 1). */}
              {isOperatorOrAdmin(me) && (
                <>
                  {' ・ '}
                  <a href={externalLinks.apiDocs}>{t('API 文件', 'API docs')}</a>
                </>
              )}
            </Footer>
          </Layout>
        </Layout>
      </Layout>
    </AntdApp>
  );
}
