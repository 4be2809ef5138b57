import { h, option, replace } from '../dom.js';
import type { Ctx } from '../context.js';
import type { Contact } from '../features/workspace/contact.js';
import type { Softphone, CallInfo } from './phone.js';
import { describeError } from '../ui/errors.js';
import { comboLabel } from '../ui/keys.js';

export interface PhoneHandle {
  element: HTMLElement;
  phone: Softphone;
  dialContact(contact: Contact): void;
  dispose(): void;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The phone panel in the workspace. Rebuilt from the Softphone's state on every change (a few
 * dozen elements), so what is shown never drifts from what the phone is doing. The Softphone
 * itself lives as long as the login, so leaving the page or switching language keeps the call.
 */
export function phonePanel(ctx: Ctx): PhoneHandle {
  const { t } = ctx;
  const phone = ctx.phone;
  const body = h('div', {});
  const failure = h('p', { class: 'error', role: 'alert', 'data-testid': 'phone-error', hidden: true });
  const element = h('section', { class: 'panel phone', 'aria-labelledby': 'phone-title', 'data-testid': 'phone' }, h('h2', { id: 'phone-title' }, t('phone.title')), failure, body, phone.remoteAudio);
  let microphones: MediaDeviceInfo[] = [];

  const who = (call: CallInfo) => call.name ?? call.number ?? t('incoming.unknown');

  const stateText = (): { state: string; text: string } => {
    const reg = phone.registration;
    const call = phone.call;
    if (call) {
      if (call.status === 'ringing') return { state: 'ringing', text: t('phone.state.ringing', { caller: who(call) }) };
      if (call.status === 'calling') return { state: 'calling', text: t('phone.state.calling', { number: who(call) }) };
      if (call.held) return { state: 'held', text: t('phone.state.held', { number: who(call) }) };
      return { state: 'in-call', text: t('phone.state.inCall', { number: who(call) }) };
    }
    switch (reg.kind) {
      case 'none':
        return { state: 'none', text: reg.error ? describeError(reg.error, t) : t('phone.none') };
      case 'unreachable':
        return { state: 'unreachable', text: t('phone.state.unreachable', { time: new Intl.DateTimeFormat(ctx.i18n.language, { timeStyle: 'medium' }).format(reg.retryAt) }) };
      case 'connecting':
        return { state: 'connecting', text: t('phone.state.connecting') };
      case 'registered':
        return { state: 'registered', text: t('phone.state.registered') };
      case 'failed':
        return { state: 'failed', text: t('phone.state.failed', { reason: reg.reason }) };
      default:
        return { state: 'disconnected', text: t('phone.state.disconnected') };
    }
  };

  // Made once, so a state change (reconnecting, a call ending) never wipes a half-typed number.
  const number = h('input', { id: 'phone-number', type: 'tel', autocomplete: 'off', maxlength: 40, 'data-testid': 'phone-number' });
  const dialButton = h('button', { type: 'submit', class: 'primary' }, t('phone.dial'));
  const dialForm = h('form', { class: 'dial' }, h('div', { class: 'field' }, h('label', { for: 'phone-number' }, t('phone.number')), number), dialButton);
  dialForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (number.value.trim()) phone.dial(number.value.trim());
  });
  const reconnect = h('button', { type: 'button', 'data-testid': 'phone-reconnect', onclick: () => phone.reconnect() }, t('phone.reconnect'));

  const render = () => {
    if (phone.call) failure.hidden = true;
    element.dataset.ringing = String(phone.ringing);
    const { state, text } = stateText();
    const call = phone.call;
    const status = h('p', { class: 'phone-state', role: 'status', 'data-testid': 'phone-state', 'data-state': state }, text);
    if (phone.registration.kind === 'none') return replace(body, status);
    const denied = phone.micDenied ? h('p', { class: 'error', role: 'alert', 'data-testid': 'phone-mic-denied' }, t('phone.micDenied')) : null;

    const mic = h('select', { id: 'phone-mic', 'data-testid': 'phone-mic' });
    mic.append(option('', t('phone.micDefault'), phone.microphone === ''));
    for (const d of microphones) mic.append(option(d.deviceId, d.label || d.deviceId.slice(0, 8), d.deviceId === phone.microphone));
    mic.addEventListener('change', () => {
      phone.microphone = mic.value;
    });
    const micField = h('div', { class: 'field' }, h('label', { for: 'phone-mic' }, t('phone.microphone')), mic);

    if (!call) {
      dialButton.disabled = phone.registration.kind !== 'registered';
      return replace(body, status, phone.registration.kind === 'unreachable' ? reconnect : null, denied, dialForm, micField);
    }

    const controls = h('div', { class: 'phone-controls' });
    if (call.status === 'ringing' && call.direction === 'incoming') {
      controls.append(h('button', { type: 'button', class: 'primary', 'data-testid': 'phone-answer', 'aria-keyshortcuts': 'Alt+A', title: `${t('phone.answer')} (${comboLabel('alt+a')})`, onclick: () => phone.answer() }, t('phone.answer')));
    }
    controls.append(h('button', { type: 'button', class: 'danger', 'data-testid': 'phone-hangup', 'aria-keyshortcuts': 'Alt+H', title: `${t('phone.hangup')} (${comboLabel('alt+h')})`, onclick: () => phone.hangup() }, t('phone.hangup')));
    let extra: HTMLElement | null = null;
    if (call.status === 'active') {
      controls.append(
        h('button', { type: 'button', 'aria-pressed': String(call.held), 'data-testid': 'phone-hold', 'aria-keyshortcuts': 'Alt+O', title: `${t('shortcut.hold')} (${comboLabel('alt+o')})`, onclick: () => phone.toggleHold() }, t(call.held ? 'phone.resume' : 'phone.hold')),
        h('button', { type: 'button', 'aria-pressed': String(call.muted), 'data-testid': 'phone-mute', 'aria-keyshortcuts': 'Alt+M', title: `${t('shortcut.mute')} (${comboLabel('alt+m')})`, onclick: () => phone.toggleMute() }, t(call.muted ? 'phone.unmute' : 'phone.mute')),
      );
      const target = h('input', { id: 'phone-transfer', type: 'tel', maxlength: 40, autocomplete: 'off' });
      const transfer = h('form', { class: 'transfer' }, h('div', { class: 'field' }, h('label', { for: 'phone-transfer' }, t('phone.transferTo')), target), h('button', { type: 'submit' }, t('phone.transfer')));
      transfer.addEventListener('submit', (event) => {
        event.preventDefault();
        phone.transfer(target.value);
      });
      const keypad = h('div', { class: 'keypad', role: 'group', 'aria-label': t('phone.keypad') }, ...KEYS.map((k) => h('button', { type: 'button', onclick: () => phone.dtmf(k) }, k)));
      extra = h('div', {}, keypad, transfer);
    }
    replace(body, status, controls, extra, micField);
  };

  const refreshMicrophones = async () => {
    try {
      microphones = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
      render();
    } catch {
      /* no media devices API: the default microphone is used */
    }
  };
  const onDevices = () => void refreshMicrophones();
  navigator.mediaDevices?.addEventListener('devicechange', onDevices);
  const stop = phone.onChange(render);
  // Click-to-call (by contact id) is placed by the server; it tells only this user when Asterisk refuses it.
  const stopOriginate = ctx.live.on('call.originate_failed', (message) => {
    const reason = (message.data as { reason?: unknown } | null)?.reason;
    failure.textContent = t('phone.originateFailed', { reason: typeof reason === 'string' ? reason : '?' });
    failure.hidden = false;
  });
  render();
  void refreshMicrophones();

  return {
    element,
    phone,
    dialContact(contact: Contact) {
      // From this browser when its phone is ready; otherwise the server places the call (and says
      // clearly why it cannot, e.g. telephony not configured) instead of a microphone error.
      if (!contact.masked && contact.phones[0] && phone.ready) return phone.dial(contact.phones[0]);
      // A masked user never holds the number: the server places the call by contact id
      // (click-to-call rings this user's phone first, then the customer).
      ctx.api.post('/api/v1/calls', { contactId: contact.id }).catch((err: unknown) => {
        failure.textContent = describeError(err, t);
        failure.hidden = false;
      });
    },
    dispose() {
      stop();
      stopOriginate();
      navigator.mediaDevices?.removeEventListener('devicechange', onDevices);
    },
  };
}
