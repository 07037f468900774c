import { z } from 'zod';
import { parseYamlConfig } from './parse-yaml-config';

const Schema = z.object({ slug: z.string().regex(/^[a-z]+$/), population: z.number().int().positive().optional() }).strict();

describe('parseYamlConfig', () => {
  it('returns the validated value', () => {
    expect(parseYamlConfig(Schema, 'a.yaml', 'slug: sundsvall\npopulation: 99800\n')).toEqual({
      ok: true,
      value: { slug: 'sundsvall', population: 99800 },
    });
  });

  it('names the line of a syntax error and the field of each schema error', () => {
    const syntax = parseYamlConfig(Schema, 'b.yaml', 'slug: sundsvall\n  population: [1,\n');
    expect(syntax.ok).toBe(false);
    expect(!syntax.ok && syntax.problems[0]).toMatchObject({ file: 'b.yaml', field: expect.stringMatching(/^line \d+$/) });

    const invalid = parseYamlConfig(Schema, 'c.yaml', 'slug: Sundsvall\npopulation: -3\nextra: 1\n');
    expect(!invalid.ok && invalid.problems.map((p) => p.field).sort()).toEqual(['(root)', 'population', 'slug']);
  });
});
