import type { ChatMessage } from './openai-compatible-client';
import type { CaseMaterial } from './case-source';

/** A versioned prompt: its id@version is logged with every call it is used in. */
export interface PromptTemplate<T> {
  id: string;
  version: number;
  messages(input: T): ChatMessage[];
}

export const templateKey = (template: PromptTemplate<never>) => `${template.id}@${template.version}`;

const KEEP_PLACEHOLDERS =
  'Platshållare som [PERSON_1], [PNR_1], [ORGNR_1] och [ADRESS_1] står för uppgifter som döljs för dig: skriv dem exakt som de står och försök aldrig gissa vad de döljer.';

/** A case summary for the case worker, each sentence pointing at the line of the case it rests on. */
export const CASE_SUMMARY_TEMPLATE: PromptTemplate<CaseMaterial> = {
  id: 'case-summary',
  version: 1,
  messages: (material) => [
    {
      role: 'system',
      content: [
        'Du sammanfattar ett ärende åt en handläggare i en svensk kommun. Skriv sakligt på svenska, högst åtta meningar.',
        'Avsluta varje mening med en hänvisning inom parentes till den rad i underlaget den vilar på, till exempel (Tidslinje 2).',
        'Skriv bara det som står i underlaget; beslut fattas av handläggaren, inte av dig.',
        KEEP_PLACEHOLDERS,
      ].join(' '),
    },
    {
      role: 'user',
      content: [
        `Ärendetyp: ${material.caseType}`,
        ...material.sections.flatMap((section) => [
          '',
          `## ${section.heading}`,
          ...section.lines.map((line) => `- ${line.label}: ${line.text}`),
        ]),
      ].join('\n'),
    },
  ],
};

/** A journal note drafted from a call's transcript (with its ### m:ss headings). */
export const CALL_NOTE_TEMPLATE: PromptTemplate<{ caseType: string; transcript: string }> = {
  id: 'call-note',
  version: 1,
  messages: ({ caseType, transcript }) => [
    {
      role: 'system',
      content: [
        'Du skriver ett utkast till journalanteckning från en transkription av ett samtal i ett ärende hos en svensk kommun.',
        'Skriv sakligt på svenska: vem som sa vad i sak, vad som bestämdes och vad som ska göras härnäst. Ange tidpunkten (m:ss) du stöder dig på.',
        KEEP_PLACEHOLDERS,
      ].join(' '),
    },
    { role: 'user', content: `Ärendetyp: ${caseType}\n\n${transcript}` },
  ],
};
