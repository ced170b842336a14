import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * A page's main card: the title, an optional 「新增…」 button at its right (greyed out with the
 * reason as its tooltip when `create.blocked` says why it cannot be used now), and a line saying
 * what the page is for.
 */
export function PageCard({
  title,
  intro,
  create,
  children,
}: {
  title: string;
  intro?: ReactNode;
  create?: { label: string; onClick: () => void; blocked?: string | null };
  children: ReactNode;
}) {
  return (
    <Card
      title={title}
      extra={
        create && (
          <Tooltip title={create.blocked ?? undefined}>
            <Button type="primary" icon={<PlusOutlined />} onClick={create.onClick} disabled={Boolean(create.blocked)}>
              {create.label}
            </Button>
          </Tooltip>
        )
      }
    >
      {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
      {children}
    </Card>
  );
}
