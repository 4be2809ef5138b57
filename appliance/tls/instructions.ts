import type { Language } from '../config.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Text {
  title: string;
  intro: string;
  download: string;
  windows: string;
  mac: string;
  linux: string;
  after: string;
  none: string;
}

const en: Text = {
  title: 'Trust this contactbox server',
  intro: 'Chrome allows the microphone for calls only on a secure (HTTPS) page. This server uses a certificate from its own local authority; install that authority once on each operator PC.',
  download: 'Download the certificate (contactbox-ca.crt)',
  windows: 'Windows: open the file → Install Certificate → Local Machine → "Place all certificates in the following store" → Trusted Root Certification Authorities → Finish. Restart Chrome.',
  mac: 'macOS: open the file in Keychain Access (System keychain), double-click "contactbox local CA" → Trust → "Always Trust". Restart Chrome.',
  linux: 'Linux (Debian/Ubuntu): sudo cp contactbox-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates; for Chrome also: Settings → Privacy and security → Security → Manage certificates → Authorities → Import.',
  after: 'Then open the server address again: the padlock shows and the softphone can use the microphone.',
  none: 'This server uses a certificate issued by your organisation; nothing needs to be installed.',
};

const uk: Text = {
  title: 'Довіра до сервера contactbox',
  intro: 'Chrome дозволяє мікрофон для дзвінків лише на захищеній (HTTPS) сторінці. Цей сервер використовує сертифікат власного локального центру сертифікації; встановіть його один раз на кожному ПК оператора.',
  download: 'Завантажити сертифікат (contactbox-ca.crt)',
  windows: 'Windows: відкрийте файл → Встановити сертифікат → Локальний комп’ютер → «Помістити всі сертифікати в таке сховище» → Довірені кореневі центри сертифікації → Готово. Перезапустіть Chrome.',
  mac: 'macOS: відкрийте файл у «Зв’язці ключів» (System), двічі клацніть «contactbox local CA» → Довіра → «Завжди довіряти». Перезапустіть Chrome.',
  linux: 'Linux (Debian/Ubuntu): sudo cp contactbox-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates; для Chrome також: Налаштування → Конфіденційність і безпека → Безпека → Керувати сертифікатами → Центри сертифікації → Імпорт.',
  after: 'Потім знову відкрийте адресу сервера: з’явиться замок, і софтфон зможе використовувати мікрофон.',
  none: 'Цей сервер використовує сертифікат, виданий вашою організацією; нічого встановлювати не потрібно.',
};

const ru: Text = {
  title: 'Доверие к серверу contactbox',
  intro: 'Chrome разрешает микрофон для звонков только на защищённой (HTTPS) странице. Этот сервер использует сертификат собственного локального центра сертификации; установите его один раз на каждом ПК оператора.',
  download: 'Скачать сертификат (contactbox-ca.crt)',
  windows: 'Windows: откройте файл → Установить сертификат → Локальный компьютер → «Поместить все сертификаты в следующее хранилище» → Доверенные корневые центры сертификации → Готово. Перезапустите Chrome.',
  mac: 'macOS: откройте файл в «Связке ключей» (System), дважды щёлкните «contactbox local CA» → Доверие → «Всегда доверять». Перезапустите Chrome.',
  linux: 'Linux (Debian/Ubuntu): sudo cp contactbox-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates; для Chrome также: Настройки → Конфиденциальность и безопасность → Безопасность → Настроить сертификаты → Центры сертификации → Импорт.',
  after: 'Затем снова откройте адрес сервера: появится замок, и софтфон сможет использовать микрофон.',
  none: 'Этот сервер использует сертификат, выданный вашей организацией; ничего устанавливать не нужно.',
};

const texts: Partial<Record<Language, Text>> = { en, uk, ru };

export function caInstructionsPage(language: Language, hasCa: boolean, names: readonly string[]): string {
  const t = texts[language] ?? en;
  const body = hasCa
    ? `<p>${escape(t.intro)}</p>
<p><a href="/ca.crt" download>${escape(t.download)}</a></p>
<ol><li>${escape(t.windows)}</li><li>${escape(t.mac)}</li><li>${escape(t.linux)}</li></ol>
<p>${escape(t.after)}</p>
<p><small>${names.map(escape).join(' · ')}</small></p>`
    : `<p>${escape(t.none)}</p>`;
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(t.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${escape(t.title)}</h1>${body}</body></html>`;
}
