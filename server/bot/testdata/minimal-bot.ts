// A small valid definition for tests to mutate into each kind of invalid one.
export function minimalBot(): Record<string, unknown> {
  const en = (text: string) => ({ en: text });
  return {
    name: 'Test bot',
    allowedOrigins: ['https://shop.example', 'http://localhost:*'],
    languages: ['en'],
    defaultLocale: 'en',
    greeting: { en: [{ text: 'Hello!', quickReplies: [{ label: 'Hours', action: 'intent:hours' }] }] },
    messages: {
      fallback: en('Sorry?'),
      offerHuman: en('Talk to a person?'),
      humanYes: en('Yes'),
      humanNo: en('No'),
      handoverDeclined: en('OK'),
      refusal: en('Not for you'),
      formAborted: en('Giving up'),
      cancelForm: en('Cancel'),
      formCancelled: en('Cancelled'),
    },
    intents: [
      { name: 'hours', phrases: { en: ['opening hours', 'when are you open'] }, replies: { en: [{ text: '9 to 5' }] } },
      {
        name: 'weekend',
        parent: 'hours',
        phrases: { en: ['and on saturday', 'what about the weekend'] },
        replies: { en: [{ text: 'Closed on weekends' }] },
      },
      {
        name: 'signup',
        phrases: { en: ['sign me up', 'join the newsletter'] },
        replies: { en: [{ text: 'Let us sign you up' }] },
        form: 'newsletter',
      },
      {
        name: 'secret',
        access: 'verified',
        phrases: { en: ['show my account balance', 'account balance'] },
        replies: { en: [{ text: 'Your balance is 42', links: [{ label: 'Account', url: 'https://shop.example/account' }] }] },
      },
      { name: 'human', handover: true, phrases: { en: ['talk to a person', 'human agent'] }, replies: { en: [{ text: 'Handing over' }] } },
    ],
    forms: [
      {
        id: 'newsletter',
        slots: [
          { key: 'email', type: 'email', pii: 'contact', prompt: en('Your email?'), reprompt: en('Not an email, again?'), retries: 1 },
          {
            key: 'topic',
            type: 'choice',
            prompt: en('Which topic?'),
            reprompt: en('Pick a topic'),
            choices: [
              { value: 'news', label: en('News') },
              { value: 'offers', label: en('Offers') },
            ],
          },
        ],
        done: { en: [{ text: 'Subscribed!' }] },
      },
    ],
  };
}
