import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App, Form, type FormInstance } from 'antd';
import { useSubmit } from './useSubmit';

export interface SettingsFormOptions<View, Values> {
  /** The settings' query key; the saved answer replaces its data. */
  queryKey: QueryKey;
  load: (signal: AbortSignal) => Promise<View>;
  /** Send the form (the request's answer is the settings as saved). */
  save: (values: Values) => Promise<View>;
  /** The success toast. */
  success: string;
  /** After a save, e.g. to empty a password field. */
  onSaved?: (form: FormInstance<Values>) => void;
}

/**
 * A page that is one settings form (郵件伺服器, 功能參數): the settings' query, the form, and
 * `submit` saving it (a refusal as `problem` and on the fields, see `useSubmit`; a success
 * stored in the query's cache and toasted).
 */
export function useSettingsForm<View, Values>({ queryKey, load, save, success, onSaved }: SettingsFormOptions<View, Values>) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey, queryFn: ({ signal }) => load(signal) });
  const { problem, submitting, submit } = useSubmit(form, async (values: Values) => {
    queryClient.setQueryData(queryKey, await save(values));
    onSaved?.(form);
    void message.success(success);
  });
  return { form, query, problem, submitting, submit };
}
