import { Lang, t } from '../i18n';

/** A problem with one control of a plain form: the control's id and what is wrong, in the reader's language. */
export interface ControlProblem {
  control: string;
  label: string;
  message: string;
}

/**
 * The error summary of a plain (non-e-service) form: focused on arrival without any script, read
 * out first, each problem a link to its control.
 */
export function ControlErrorSummary({ lang, problems, id }: { lang: Lang; problems: ControlProblem[]; id: string }) {
  return (
    <div className="error-summary" role="alert" aria-labelledby={`${id}-title`} tabIndex={-1} autoFocus>
      <h2 id={`${id}-title`}>{t(lang, 'errorSummary')}</h2>
      <ul>
        {problems.map((problem, i) => (
          <li key={i}>
            {problem.control ? (
              <a href={`#${problem.control}`}>
                {problem.label}: {problem.message}
              </a>
            ) : (
              problem.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The message shown at a control, tied to it with aria-describedby (`${control}-error`). */
export function FieldMessage({ problems, control }: { problems: ControlProblem[]; control: string }) {
  const problem = problems.find((p) => p.control === control);
  return problem ? (
    <p className="field-error" id={`${control}-error`}>
      {problem.message}
    </p>
  ) : null;
}

/** The attributes that mark a control as invalid and point to its message. */
export const invalidProps = (problems: ControlProblem[], control: string, hint?: string) => {
  const invalid = problems.some((p) => p.control === control);
  const describedBy = [hint, invalid ? `${control}-error` : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy || undefined };
};
