import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import * as path from 'node:path';
import { validateFormDefinition } from './definition';
import { FormDefinitionInvalidError } from './errors';
import { readFormFiles } from './startup-content';
import { exampleDefinition, REPO_ROOT } from './test-support';

const problems = (definition: unknown) => {
  try {
    validateFormDefinition(definition);
  } catch (error) {
    expect(error).toBeInstanceOf(FormDefinitionInvalidError);
    expect((error as FormDefinitionInvalidError).code).toBe('FORM_DEFINITION_INVALID');
    return (error as FormDefinitionInvalidError).details;
  }
  throw new Error('the definition was accepted');
};

describe('form definitions', () => {
  it('accepts every shipped example form', () => {
    const tenants = loadTenantConfigs(path.join(REPO_ROOT, 'tenants')).map(({ config }) => ({
      slug: config.slug,
      enabledServices: Object.keys(config.services),
      config,
    }));
    const files = readFormFiles(path.join(REPO_ROOT, 'tenants'), tenants);
    expect(files.map((f) => `${f.tenant.slug}/${f.slug}`).sort()).toEqual([
      'sundsvall/bygglov-forfragan',
      'sundsvall/parkeringstillstand',
      'sundsvall/skolval',
    ]);
    expect(files.find((f) => f.slug === 'parkeringstillstand')?.definition.decisionRules.map((r) => r.legalBasis.sfs)).toEqual([
      '1998:1276',
      '1998:1276',
    ]);
  });

  it('refuses a data schema that is not valid JSON Schema 2020-12', () => {
    const def = exampleDefinition('skolval');
    def.dataSchema.properties.barnetsFornamn = { type: 'text' };
    expect(problems(def)).toContainEqual({
      path: '/dataSchema/properties/barnetsFornamn/type',
      message: 'not a valid JSON Schema: must be array',
    });
  });

  it('refuses unknown keywords (ajv strict mode) and another dialect', () => {
    const def = exampleDefinition('skolval');
    def.dataSchema.properties.barnetsFornamn = { type: 'string', minimumLength: 3 };
    expect(problems(def)[0].message).toMatch(/strict mode.*minimumLength/);
    const old = exampleDefinition('skolval');
    old.dataSchema.$schema = 'http://json-schema.org/draft-07/schema#';
    expect(problems(old)).toContainEqual({ path: '/dataSchema/$schema', message: expect.stringMatching(/2020-12/) });
  });

  it('requires every object in the data schema to refuse unknown properties', () => {
    const def = exampleDefinition('skolval');
    delete def.dataSchema.additionalProperties;
    def.dataSchema.properties.syskonNamn = { type: 'object', properties: { namn: { type: 'string' } } };
    const details = problems(def);
    expect(details).toContainEqual({ path: '/dataSchema/additionalProperties', message: 'must be false: unknown fields are refused' });
    expect(details).toContainEqual({
      path: '/dataSchema/properties/syskonNamn/additionalProperties',
      message: 'must be false: unknown fields are refused',
    });
  });

  it('requires fields and schema properties to match one to one', () => {
    const def = exampleDefinition('skolval');
    def.dataSchema.properties.extra = { type: 'string' };
    def.steps[0].fields.push({ name: 'orphan', kind: 'text', label: { sv: 'x', en: 'x' } });
    const details = problems(def);
    expect(details).toContainEqual({ path: '/dataSchema/properties/extra', message: 'property "extra" has no field in any step' });
    expect(details).toContainEqual({ path: '/dataSchema/properties', message: 'field "orphan" has no property in the data schema' });
  });

  it('refuses bad JSON Logic: unknown operators, unknown fields, malformed operations', () => {
    const def = exampleDefinition('parkeringstillstand');
    def.conditions[0].showWhen = { eval: ['process.exit()'] };
    def.conditions[1].requiredWhen = { '==': [{ var: 'noSuchField' }, true] };
    def.decisionRules[0].when = { '<': [1, 2], '>': [2, 1] };
    const details = problems(def);
    expect(details).toContainEqual({ path: '/conditions/0/showWhen/eval', message: 'unknown or disallowed JSON Logic operator "eval"' });
    expect(details).toContainEqual({
      path: '/conditions/1/requiredWhen/==/0/var',
      message: 'var names "noSuchField", which is not a field of this form',
    });
    expect(details).toContainEqual({
      path: '/decisionRules/0/when',
      message: 'a JSON Logic operation has exactly one operator key, found 2',
    });
  });

  it('refuses a conditional field that the schema always requires, and attachment fields without rules', () => {
    const def = exampleDefinition('parkeringstillstand');
    def.dataSchema.required.push('lakarintyg');
    def.attachments = [];
    const details = problems(def);
    expect(details).toContainEqual({ path: '/conditions/1/field', message: expect.stringMatching(/always required/) });
    expect(details).toContainEqual({
      path: '/attachments',
      message: 'attachment field "lakarintyg" has no attachment rule (allowed types, size)',
    });
  });

  it('names the field of a shape error, e.g. a bad prefix or a reserved field name', () => {
    const def = exampleDefinition('skolval');
    def.errandNumberPrefix = 'sk';
    def.steps[0].fields[0].name = 'constructor';
    const details = problems(def);
    expect(details).toContainEqual({ path: '/errandNumberPrefix', message: 'must be 2-6 capital letters A-Z' });
    expect(details).toContainEqual({ path: '/steps/0/fields/0/name', message: 'is a reserved name' });
  });

  it('refuses attachment limits the api cannot carry', () => {
    const def = exampleDefinition('parkeringstillstand');
    def.attachments[0].maxBytes = 5_000_000;
    expect(problems(def)).toEqual([expect.objectContaining({ path: '/attachments/0/maxBytes' })]);
  });
});
