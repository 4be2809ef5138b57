import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { X } from 'lucide-preact';
import { session, useT } from '../app/session.js';

interface Suggestion {
  tag: string;
  count: number;
}

/** The chips plus whatever is still typed in the field (a save commits it too). */
export function withPending(tags: readonly string[], input: HTMLInputElement | null): string[] {
  return addTags(tags, input?.value ?? '');
}

/** Adds the comma-separated tags of `typed`, keeping the first spelling of each (case-insensitive). */
export function addTags(tags: readonly string[], typed: string): string[] {
  const out = [...tags];
  for (const tag of typed.split(',').map((v) => v.trim()).filter(Boolean)) {
    if (!out.some((x) => x.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  return out;
}

/**
 * Tags as chips with suggestions from the tags already in use. Enter or a comma makes the typed
 * text a chip, picking a suggestion does too, Backspace in the empty field removes the last chip,
 * and each chip has its own remove button. The field keeps the focus throughout. Text left in
 * the field is not turned into a chip when the focus leaves (that would move the button being
 * clicked); a form saves it with `withPending`.
 */
export function TagInput({
  id,
  tags,
  onChange,
  inputRef,
  describedBy,
  maxLength = 50,
  single = false,
  placeholder,
  removeLabel,
  inputTestId = 'tag-input',
  chipTestId = 'tag-chip',
}: {
  id: string;
  tags: readonly string[];
  onChange: (tags: string[]) => void;
  inputRef?: Ref<HTMLInputElement>;
  describedBy?: string;
  maxLength?: number;
  /** One tag at most (a filter): a new one replaces the chip. */
  single?: boolean;
  placeholder?: string;
  removeLabel?: (tag: string) => string;
  inputTestId?: string;
  chipTestId?: string;
}) {
  const s = session();
  const t = useT();
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const seq = useRef(0);
  const listId = `${id}-suggestions`;

  useEffect(() => {
    const prefix = text.trim();
    const mine = ++seq.current;
    if (!prefix || prefix.includes(',')) return setSuggestions([]);
    s.api.get<{ items: Suggestion[] }>(`/api/v1/contacts/tags?prefix=${encodeURIComponent(prefix.slice(0, 50))}&limit=10`).then(
      (r) => mine === seq.current && setSuggestions(r.items.filter((x) => !tags.some((tag) => tag.toLowerCase() === x.tag.toLowerCase()))),
      () => mine === seq.current && setSuggestions([]),
    );
  }, [text]);

  const commit = (typed: string) => {
    const next = single ? addTags([], typed).slice(-1) : addTags(tags, typed);
    setText('');
    setSuggestions([]);
    if (next.join('\u0000') !== tags.join('\u0000')) onChange(next);
  };
  const remove = (tag: string) => onChange(tags.filter((x) => x !== tag));

  return (
    <div class="tag-input">
      {tags.length > 0 && (
        <ul class="chips">
          {tags.map((tag) => (
            <li key={tag} class="chip" data-testid={chipTestId}>
              <span>{tag}</span>
              <button type="button" class="icon-button" aria-label={(removeLabel ?? ((x) => t('tags.remove', { tag: x })))(tag)} title={(removeLabel ?? ((x) => t('tags.remove', { tag: x })))(tag)} onClick={() => remove(tag)}>
                <X size={12} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        ref={inputRef}
        type="text"
        list={listId}
        value={text}
        autocomplete="off"
        aria-describedby={describedBy}
        placeholder={placeholder ?? t('tags.hint')}
        data-testid={inputTestId}
        maxLength={maxLength * (single ? 1 : 10)}
        onInput={(e) => {
          const value = e.currentTarget.value;
          const native = e as unknown as InputEvent;
          // A suggestion picked from the list arrives as a replacement of the whole text.
          if ((native.inputType === 'insertReplacementText' || native.inputType === undefined) && suggestions.some((x) => x.tag === value)) return commit(value);
          if (value.endsWith(',')) return commit(value);
          setText(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            // Enter makes a chip; it does not submit the form while there is text to add.
            if (e.currentTarget.value.trim()) {
              e.preventDefault();
              commit(e.currentTarget.value);
            }
          } else if (e.key === 'Backspace' && e.currentTarget.value === '' && tags.length) {
            e.preventDefault();
            onChange(tags.slice(0, -1));
          }
        }}
      />
      <datalist id={listId}>
        {suggestions.map((x) => (
          <option key={x.tag} value={x.tag}>
            {`${x.tag} (${x.count})`}
          </option>
        ))}
      </datalist>
    </div>
  );
}
