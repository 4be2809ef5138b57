/**
 * The browser's side of the HTTP contract (DESIGN §6): JSON in and out, the session cookie
 * sent by the browser, the CSRF token sent as `x-csrf-token` on every state-changing request,
 * and errors turned into `ApiError` carrying the server's code and its already translated message.
 */
export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: 'admin' | 'supervisor' | 'operator' | 'intern';
  language: string;
  csrfToken: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole error body, for routes that add details (e.g. CSV import's `rows`). */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class Api {
  csrfToken: string | null = null;

  constructor(
    /** The UI language, sent as Accept-Language so messages before login come in it too. */
    private readonly language: () => string,
    /** Called when the server says the session is gone, so the app can show the login page. */
    private readonly onSessionLost: () => void,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json', extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json', 'accept-language': this.language() };
    if (body !== undefined) headers['content-type'] = contentType;
    if (STATE_CHANGING.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : body instanceof Blob ? body : contentType === 'application/json' ? JSON.stringify(body) : String(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      const err = new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, data);
      if (response.status === 401 && path !== '/api/v1/auth/login') this.onSessionLost();
      throw err;
    }
    return data as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A text body (CSV import) instead of JSON. */
  postText<T>(path: string, text: string, contentType: string, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, text, contentType, headers);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  async login(username: string, password: string): Promise<Me> {
    const me = await this.post<Me>('/api/v1/auth/login', { username, password });
    this.csrfToken = me.csrfToken;
    return me;
  }

  async me(): Promise<Me> {
    const me = await this.get<Me>('/api/v1/me');
    this.csrfToken = me.csrfToken;
    return me;
  }

  async logout(): Promise<void> {
    await this.post<void>('/api/v1/auth/logout');
    this.csrfToken = null;
  }
}
