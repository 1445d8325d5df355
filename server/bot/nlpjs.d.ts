// The small part of NLP.js v4 we use. The packages ship no types.
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
    get(name: 'nlp'): import('@nlpjs/nlp').Nlp;
    get(name: string): unknown;
  }
  export function containerBootstrap(): Promise<Container>;
}

declare module '@nlpjs/nlp' {
  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NlpResult {
    intent: string;
    score: number;
    classifications?: NlpClassification[];
  }
  export class Nlp {
    settings: Record<string, unknown>;
    nluManager: { settings: Record<string, unknown> };
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string, context?: Record<string, unknown>): Promise<NlpResult>;
  }
}

declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
  export class StopwordsEn {
    dictionary: Record<string, boolean>;
  }
}
declare module '@nlpjs/lang-es' {
  export const LangEs: unknown;
  export class StopwordsEs {
    dictionary: Record<string, boolean>;
  }
}
declare module '@nlpjs/lang-no' {
  export const LangNo: unknown;
  export class StopwordsNo {
    dictionary: Record<string, boolean>;
  }
}
