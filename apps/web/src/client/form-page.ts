// The form page's only script: shows and hides fields by the form's conditions as the resident
// answers, judged by the same JSON Logic the api runs. A hidden field's controls are disabled, so
// its answer is not sent (the api refuses answers to hidden fields). Without this script every
// field shows and the form still posts.
import { answersFromEntries, FormShape, shownFields } from '../forms/answers';

const form = document.getElementById('e-form');
const shapeElement = document.getElementById('form-shape');

if (form instanceof HTMLFormElement && shapeElement) {
  const shape = JSON.parse(shapeElement.textContent ?? '{}') as FormShape;
  const update = () => {
    const entries = [...new FormData(form).entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    for (const [field, visible] of shownFields(shape, answersFromEntries(shape, entries))) {
      const wrapper = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      if (!(wrapper instanceof HTMLElement) || wrapper.hidden === !visible) continue;
      wrapper.hidden = !visible;
      for (const control of wrapper.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'))
        control.disabled = !visible;
    }
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
}
