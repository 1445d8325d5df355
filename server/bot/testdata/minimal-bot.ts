// A small valid definition for tests to mutate into each kind of invalid one.
export function minimalBot(): Record<string, unknown> {
  const en = (text: string) => ({ en: text });
  return {
    name: 'Test bot',
    allowedOrigins: ['https://shop.example', 'http://localhost:*'],
    languages: ['en'],
    defaultLocale: 'en',
    greeting: {
      en: [{ text: 'Hello!', quickReplies: [{ label: 'Hours', action: 'intent:hours' }, { label: 'A person, please', action: 'handover:yes' }] }],
    },
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

/**
 * The minimal bot with live handover: Oslo office hours, a leave-a-message form, canned replies.
 */
export function handoverBot(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const en = (text: string) => ({ en: text });
  const bot = minimalBot() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  bot.forms.push({
    id: 'leave_message',
    slots: [
      { key: 'email', type: 'email', pii: 'contact', prompt: en('Your email, so we can answer?'), reprompt: en('That is not an email') },
      { key: 'message', type: 'text', prompt: en('Your message?'), reprompt: en('Please write a message'), maxLength: 1000 },
    ],
    done: { en: [{ text: 'Thanks, we will write back' }] },
  });
  bot.handover = {
    waitLimit: '10m',
    businessHours: {
      timeZone: 'Europe/Oslo',
      weekly: { monday: [['08:00', '17:00']], friday: [['08:00', '12:00'], ['13:00', '16:00']], saturday: [['22:00', '24:00']] },
      holidays: ['2026-12-25'],
    },
    noOperator: en('No one is online right now.'),
    closed: en('We are closed right now.'),
    leaveMessage: 'leave_message',
    joined: en('{name} joined'),
    left: en('{name} left'),
    cannedReplies: [{ id: 'hello', label: en('Hello'), text: en('Hi, I am looking at your question now.') }],
  };
  return bot;
}
