import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * A page's main card: the title, an optional 「新增…」 button at its right, and a line saying
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
  create?: { label: string; onClick: () => void };
  children: ReactNode;
}) {
  return (
    <Card
      title={title}
      extra={
        create && (
          <Button type="primary" icon={<PlusOutlined />} onClick={create.onClick}>
            {create.label}
          </Button>
        )
      }
    >
      {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
      {children}
    </Card>
  );
}
