import { CloseCircleFilled } from '@ant-design/icons';
import { Space, theme } from 'antd';
import type { ReactNode } from 'react';

/**
 * antd's `<Result status="error">` (icon, title, subtitle, buttons), drawn with antd's tokens.
 * For the error screens that must be in the first bundle (the route error page, the guard's
 * 「無法取得帳號資料」): antd's Result carries its 404/403/500 illustrations with it, which
 * would weigh on the sign-in page. Pages loaded on demand (404, password reset) keep `Result`.
 */
export function ErrorResult({ title, subTitle, extra }: { title: ReactNode; subTitle?: ReactNode; extra?: ReactNode }) {
  const { token } = theme.useToken();
  const heading = token.fontSizeHeading3;
  const iconSize = typeof heading === 'number' ? heading * 3 : `calc(${heading} * 3)`;
  return (
    <div style={{ padding: `${token.paddingLG * 2}px ${token.paddingXL}px`, textAlign: 'center' }}>
      <div style={{ marginBottom: token.paddingLG, color: token.colorError, fontSize: iconSize, lineHeight: 1 }}>
        <CloseCircleFilled />
      </div>
      <div
        style={{
          color: token.colorTextHeading,
          fontSize: token.fontSizeHeading3,
          lineHeight: token.lineHeightHeading3,
          marginBlock: token.marginXS,
        }}
      >
        {title}
      </div>
      {subTitle !== undefined && (
        <div style={{ color: token.colorTextDescription, fontSize: token.fontSize, lineHeight: token.lineHeight }}>
          {subTitle}
        </div>
      )}
      {extra !== undefined && <Space style={{ marginTop: token.paddingLG }}>{extra}</Space>}
    </div>
  );
}
