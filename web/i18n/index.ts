/**
 * i18next with English sentences as keys: English needs no dictionary of its own beyond plurals, the other
 * four languages load on demand (one small chunk each). The choice is kept in localStorage.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';

export const LANGUAGES = [
  { id: 'en', name: 'English' },
  { id: 'zh-TW', name: '繁體中文' },
  { id: 'zh-CN', name: '简体中文' },
  { id: 'ru', name: 'Русский' },
  { id: 'sv', name: 'Svenska' },
] as const;
export type Language = (typeof LANGUAGES)[number]['id'];

const STORAGE_KEY = 'cosell.locale';

const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Record<string, string> }>> = {
  'zh-TW': () => import('./locales/zh-TW.json'),
  'zh-CN': () => import('./locales/zh-CN.json'),
  ru: () => import('./locales/ru.json'),
  sv: () => import('./locales/sv.json'),
};

export function isLanguage(value: string | null | undefined): value is Language {
  return LANGUAGES.some((l) => l.id === value);
}

/** The stored choice, else the browser's closest supported language, else English. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  for (const wanted of navigator.languages ?? []) {
    const lower = wanted.toLowerCase();
    if (lower.startsWith('zh')) return /tw|hk|mo|hant/.test(lower) ? 'zh-TW' : 'zh-CN';
    const exact = LANGUAGES.find((l) => l.id === lower.split('-')[0]);
    if (exact) return exact.id;
  }
  return 'en';
}

export async function setLanguage(language: Language): Promise<void> {
  if (language !== 'en' && !i18n.hasResourceBundle(language, 'translation')) {
    const module = await loaders[language]();
    i18n.addResourceBundle(language, 'translation', module.default, true, true);
  }
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

export async function initI18n(): Promise<void> {
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    fallbackLng: 'en',
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  await setLanguage(initialLanguage());
}

export default i18n;
