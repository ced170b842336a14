/**
 * Named shortcuts into the generated `paths` for the account endpoints. Nothing here is written
 * by hand: every type is read out of `schema.d.ts` by path, so a renamed schema in the spec does
 * not break the app (a changed path or field does, as it should).
 */
import type { paths } from './schema';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type BodyOf<Op> = Op extends { requestBody?: infer Req } ? JsonOf<NonNullable<Req>> : never;
type Ok<Op, Status extends number = 200> = Op extends { responses: infer R }
  ? Status extends keyof R
    ? JsonOf<R[Status]>
    : never
  : never;

type SignInOp = paths['/api/v1/auth/sign-in']['post'];
type MeOp = paths['/api/v1/me']['get'];

export type AuthOptions = Ok<paths['/api/v1/auth/options']['get']>;
export type Captcha = Ok<paths['/api/v1/auth/captcha']['get']>;
export type SchoolSuggestion = Ok<paths['/api/v1/schools/lookup']['get']>[number];
export type SignInBody = BodyOf<SignInOp>;
export type TokenPair = Ok<SignInOp>;
export type ForgotPasswordBody = BodyOf<paths['/api/v1/auth/forgot-password']['post']>;
export type ResetPasswordBody = BodyOf<paths['/api/v1/auth/reset-password']['post']>;
export type ChangePasswordBody = BodyOf<paths['/api/v1/me/password']['post']>;
export type UpdateEmailBody = BodyOf<paths['/api/v1/me/email']['put']>;
export type Me = Ok<MeOp>;
export type Role = Me['roles'][number];
export type ModuleGrant = Me['modules'][number];
