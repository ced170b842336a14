import { Layout, Menu, Typography } from 'antd';
import { Link, Outlet, useLocation } from 'react-router';
import { externalLinks, navItems, selectedNavKey } from '../navigation';

const { Header, Content, Footer } = Layout;

export const APP_TITLE = '學習歷程檔案 Licheng';

/** The page frame: header with the title and main menu, the routed page, footer. */
export function AppLayout() {
  const { pathname } = useLocation();
  const selected = selectedNavKey(pathname);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Link to="/" style={{ flex: 'none' }}>
          <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
            {APP_TITLE}
          </Typography.Title>
        </Link>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={selected ? [selected] : []}
          items={navItems.map((item) => ({
            key: item.path,
            icon: item.icon,
            label: <Link to={item.path}>{item.label}</Link>,
          }))}
          style={{ flex: 1, minWidth: 0 }}
        />
      </Header>
      <Content style={{ padding: 24 }}>
        <main style={{ maxWidth: 1200, margin: '0 auto' }}>
          <Outlet />
        </main>
      </Content>
      <Footer style={{ textAlign: 'center' }}>
        學習歷程檔案 Licheng ・ <a href={externalLinks.apiDocs}>API 文件</a>
      </Footer>
    </Layout>
  );
}
