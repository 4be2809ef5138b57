/** Questions asked in the interactive install. Tests pass scripted answers instead. */
export interface PromptPort {
  input(message: string, defaultValue?: string, validate?: (v: string) => string | true): Promise<string>;
  password(message: string, validate?: (v: string) => string | true): Promise<string>;
  select<T extends string>(message: string, choices: readonly { value: T; name: string }[], defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

export function inquirerPrompts(): PromptPort {
  const load = () => import('@inquirer/prompts');
  return {
    async input(message, defaultValue, validate) {
      return (await load()).input({ message, default: defaultValue, validate });
    },
    async password(message, validate) {
      return (await load()).password({ message, mask: '*', validate });
    },
    async select(message, choices, defaultValue) {
      return (await load()).select({ message, choices: choices.map((c) => ({ value: c.value, name: c.name })), default: defaultValue });
    },
    async confirm(message, defaultValue) {
      return (await load()).confirm({ message, default: defaultValue });
    },
  };
}
