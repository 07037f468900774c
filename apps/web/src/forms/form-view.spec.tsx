import { parse } from 'node-html-parser';
import { renderToStaticMarkup } from 'react-dom/server';
import { FormView } from './form-view';
import { tenantForm } from './test-forms';

const parking = tenantForm('sundsvall', 'parkeringstillstand');

const render = (props: Partial<Parameters<typeof FormView>[0]> = {}) => {
  const html = renderToStaticMarkup(
    <FormView
      definition={parking}
      lang="sv"
      action="/e-services/parkeringstillstand"
      answers={{}}
      problems={[]}
      hiddenInputs={{ csrf: 'token' }}
      {...props}
    />,
  );
  return parse(html).querySelector('form')!;
};

describe('a form rendered on the server from its definition', () => {
  it('is an ordinary HTML form: every field labelled in the reader language, grouped by step, posting its answers', () => {
    const form = render();
    expect(form.getAttribute('method')).toBe('post');
    expect(form.getAttribute('action')).toBe('/e-services/parkeringstillstand');
    expect(form.hasAttribute('novalidate')).toBe(true);
    expect([...form.querySelectorAll('section.form-step h2')].map((h) => h.text)).toEqual([
      'Om dig',
      'Din funktionsnedsättning',
      'Läkarintyg',
    ]);
    // Options are groups with a legend, their values the schema's own.
    const role = form.querySelector('[data-field="roll"] fieldset')!;
    expect(role.querySelector('legend')!.text).toBe('Ansöker du som förare eller passagerare?');
    expect(
      [...role.querySelectorAll('input[type=radio]')].map((r) => [
        r.getAttribute('name'),
        r.getAttribute('value'),
        r.closest('label')!.text,
      ]),
    ).toEqual([
      ['root_roll', 'forare', 'Förare'],
      ['root_roll', 'passagerare', 'Passagerare'],
    ]);
    expect(
      [...form.querySelectorAll('[data-field="harLakarintyg"] input')].map((r) => [r.getAttribute('value'), r.closest('label')!.text]),
    ).toEqual([
      ['true', 'Ja'],
      ['false', 'Nej'],
    ]);
    // Nothing is answered for the resident: a required yes/no question starts unanswered.
    expect(form.querySelectorAll('input[checked]')).toHaveLength(0);
    const phone = form.querySelector('#root_telefon')!;
    expect(form.querySelector(`label[for="root_telefon"]`)!.text).toBe('Telefonnummer');
    expect(phone.getAttribute('type')).toBe('tel');
    expect(form.querySelector('label[for="root_epost"]')!.text).toBe('E-postadress (frivilligt)');
    // Whole numbers are text with a numeric keyboard, so a wrong entry stays in view with its message.
    expect(form.querySelector('#root_varaktighetManader')!.getAttribute('type')).toBe('text');
    // Conditional fields are marked for the page script; without it they all show.
    expect([...form.querySelectorAll('[data-conditional]')].map((f) => f.getAttribute('data-field'))).toEqual([
      'behovAvHjalp',
      'lakarintyg',
    ]);
    expect(form.querySelectorAll('[hidden]')).toHaveLength(0);
    expect(form.querySelector('input[name=csrf]')!.getAttribute('value')).toBe('token');
    expect(form.querySelector('button[type=submit]')!.text).toBe('Skicka in');
  });

  it("shows the api's messages at their fields, tied to the control, and keeps the answers", () => {
    const form = render({
      lang: 'en',
      answers: { roll: 'passagerare', varaktighetManader: 'ett år' },
      problems: [
        { path: '/varaktighetManader', message: 'Wrong type: must be a whole number' },
        { path: '/roll', message: 'Not one of the options' },
        { path: '', message: 'The whole form' },
      ],
    });
    const months = form.querySelector('#root_varaktighetManader')!;
    expect(months.getAttribute('value')).toBe('ett år');
    expect(months.getAttribute('aria-describedby')).toContain('root_varaktighetManader__error');
    expect(form.querySelector('#root_varaktighetManader__error')!.text).toBe('Error: Wrong type: must be a whole number ');
    expect(form.querySelector('#root_roll-1')!.hasAttribute('checked')).toBe(true);
    expect(form.querySelector('[data-field="roll"] fieldset')!.getAttribute('aria-describedby')).toBe('root_roll__error');
    expect(form.querySelector('label[for="root_telefon"]')!.text).toBe('Phone number');
    // A message for the whole form belongs in the summary, not at a field.
    expect(form.text).not.toContain('The whole form');
  });
});
