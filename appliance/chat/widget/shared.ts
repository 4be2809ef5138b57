/** What the launcher hands the lazily loaded panel. */
export interface WidgetContext {
  base: string;
  key: string;
  root: ShadowRoot;
  container: HTMLElement;
  launcher: HTMLButtonElement;
  emit(event: string, data: unknown): void;
  storage: {
    get(name: string): string | null;
    set(name: string, value: string | null): void;
  };
  /** Identity claims given before the panel loaded. */
  identity: IdentityClaim | null;
  lang: string;
}

export interface IdentityClaim {
  id: string;
  email?: string;
  name?: string;
  expires: number;
  signature: string;
}

export interface PanelApi {
  open(): void;
  close(): void;
  send(text: string): void;
  identify(claim: IdentityClaim): void;
}

export const PANEL_GLOBAL = '__contactboxChatPanel';
