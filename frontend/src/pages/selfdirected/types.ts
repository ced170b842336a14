/**
 * Self-directed learning (自主學習) types, read out of the generated spec by path, and the
 * zh-TW / English names of its states and stages.
 */
import type { paths } from '../../api/schema';
import { tr } from '../../i18n/lang';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Ok<Op, Status extends number = 200> = Op extends { responses: infer R }
  ? Status extends keyof R
    ? JsonOf<R[Status]>
    : never
  : never;
type BodyOf<Op> = Op extends { requestBody?: infer Req } ? JsonOf<NonNullable<Req>> : never;

export type CertifierGroup = Ok<paths['/api/v1/self-directed/groups']['get']>[number];
export type GroupKind = CertifierGroup['kind'];
export type Stage = Ok<paths['/api/v1/self-directed/stages']['get']>[number];
export type Identity = Stage['identity'];
export type MySelfDirected = Ok<paths['/api/v1/me/self-directed']['get']>;
export type Plan = MySelfDirected['plans'][number];
export type PlanInput = BodyOf<paths['/api/v1/me/self-directed/plans']['post']>;
export type PlanDetail = Ok<paths['/api/v1/self-directed/plans/{id}']['get']>;
export type QueueEntry = Ok<paths['/api/v1/self-directed/queue']['get']>['items'][number];
export type Phase = QueueEntry['phase'];
export type DecisionInput = BodyOf<paths['/api/v1/self-directed/plans/{id}/decisions']['post']>;

export const groupsKey = ['self-directed', 'groups'] as const;
export const stagesKey = ['self-directed', 'stages'] as const;
export const myKey = ['self-directed', 'me'] as const;
export const queueKey = ['self-directed', 'queue'] as const;
export const planKey = (id: number) => ['self-directed', 'plan', id] as const;

export function planStateName(state: Plan['plan_state']): string {
  switch (state) {
    case 'draft':
      return tr('草稿', 'Draft');
    case 'in_review':
      return tr('認證中', 'In review');
    case 'returned':
      return tr('退回', 'Returned');
    case 'approved':
      return tr('計畫通過', 'Approved');
  }
}

export function resultStateName(state: Plan['result_state']): string {
  switch (state) {
    case 'none':
      return tr('未上傳', 'Not uploaded');
    case 'draft':
      return tr('草稿', 'Draft');
    case 'in_review':
      return tr('認證中', 'In review');
    case 'returned':
      return tr('退回', 'Returned');
    case 'certified':
      return tr('認證成功', 'Certified');
  }
}

export function phaseName(phase: Phase): string {
  return phase === 'plan' ? tr('計畫', 'Plan') : tr('成果', 'Results');
}

/** A stage's name in the UI language (a custom group keeps its own name). */
export function stageName(stage: { identity: Identity; label: string }): string {
  if (stage.identity === 'homeroom') return tr('導師', 'Homeroom teacher');
  if (stage.identity === 'subject') return tr('學科教師', 'Subject teachers');
  return stage.label;
}

/** What a plan's history entry records (`StageAction`). */
export type StageAction = PlanDetail['history'][number]['action'];

const stageActionNames: Record<StageAction, () => string> = {
  submitted: () => tr('送出', 'Submitted'),
  approved: () => tr('通過', 'Approved'),
  returned: () => tr('退回', 'Returned'),
};

/** A history entry's action in words; one the app does not know yet as 「其他異動」, never its code. */
export function actionName(action: string): string {
  const name = (stageActionNames as Record<string, (() => string) | undefined>)[action];
  return name ? name() : tr('其他異動', 'Other change');
}

export type StandingReport = Ok<paths['/api/v1/self-directed/report']['get']>;
export type StandingRow = StandingReport['rows'][number];

export function standingName(row: Pick<StandingRow, 'standing' | 'phase'>): string {
  switch (row.standing) {
    case 'draft':
      return tr('草稿', 'Draft');
    case 'waiting':
      return tr('待認證', 'Waiting');
    case 'returned':
      return tr('退回', 'Returned');
    case 'certified':
      return row.phase === 'plan' ? tr('計畫通過', 'Approved') : tr('認證成功', 'Certified');
  }
}
