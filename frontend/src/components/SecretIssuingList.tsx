import type { UseQueryResult } from '@tanstack/react-query';
import type { TableProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { FormModal } from './FormModal';
import { ListTable } from './ListTable';
import { OneTimeSecretModal, type SecretField } from './OneTimeSecretModal';
import { PageCard } from './PageCard';
import { useT } from '../i18n';

/** How to show what was just created: its secret, which the server returns only this once. */
export interface IssuedSecret {
  title: string;
  /** 「密碼」, 「金鑰」. */
  secretName: string;
  lostHint: string;
  fields: SecretField[];
  note?: ReactNode;
}

/**
 * A page listing things that are created with a secret shown once (API keys, temporary
 * accounts): the list, a 「新增」 button opening `form`, and after `create` succeeds the secret
 * in a dialog that only closes on purpose.
 */
export function SecretIssuingList<Row extends { id: number }, Values extends object, Created>({
  title,
  intro,
  createLabel,
  emptyText,
  query,
  columns,
  form,
  create,
  canCreate,
  issued,
}: {
  title: string;
  intro: ReactNode;
  createLabel: string;
  emptyText: string;
  query: UseQueryResult<Row[]>;
  columns: TableProps<Row>['columns'];
  form: { title: string; initialValues?: Partial<Values>; items: ReactNode };
  /** Send the form; a refused request stays in the form dialog with its problem. */
  create: (values: Values) => Promise<Created>;
  /** Whether the user may create: otherwise no 新增 button is offered. */
  canCreate: boolean;
  issued: (created: Created) => IssuedSecret;
}) {
  const t = useT();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<IssuedSecret | null>(null);

  const submit = async (values: Values) => {
    const created = await create(values);
    setCreating(false);
    setSecret(issued(created));
    await query.refetch();
  };

  return (
    <PageCard title={title} intro={intro} create={canCreate ? { label: createLabel, onClick: () => setCreating(true) } : undefined}>
      <ListTable<Row> query={query} columns={columns} emptyText={emptyText} />
      <FormModal<Values>
        title={form.title}
        open={creating}
        onClose={() => setCreating(false)}
        onSubmit={submit}
        okText={t('建立', 'Create')}
        initialValues={form.initialValues}
      >
        {form.items}
      </FormModal>
      <OneTimeSecretModal
        title={secret?.title ?? ''}
        secretName={secret?.secretName ?? ''}
        lostHint={secret?.lostHint ?? ''}
        fields={secret?.fields ?? null}
        onClose={() => setSecret(null)}
      >
        {secret?.note}
      </OneTimeSecretModal>
    </PageCard>
  );
}
