// Dates, fees, ages and contacts as the page shows them.
import { t } from './i18n.js';

// "2026-12-06T12:00+09:00" or "2026-12-06" → a Date at that Tokyo wall-clock day, and "12:00".
export function parseTokyo(when) {
  const [datePart, rest = ''] = when.split('T');
  const [y, m, d] = datePart.split('-').map(Number);
  return { date: new Date(y, m - 1, d), time: rest.slice(0, 5) };
}

export function formatWhen(when) {
  if (!when) return '';
  const { date, time } = parseTokyo(when);
  return t('dateTime', date, time);
}

export function formatFee(fee) {
  if (!fee) return '';
  if (fee.text) return fee.free && !fee.text.includes(t('fees').free) ? `${t('fees').free}（${fee.text}）` : fee.text;
  if (fee.free) return t('fees').free;
  if (fee.amount > 0) return t('yen', fee.amount);
  return '';
}

export function formatAges(ages) {
  if (!ages || (!ages.min && !ages.max)) return '';
  return t('agesText', ages.min || 0, ages.max || 0);
}

// Tokyo's today as YYYY-MM-DD, whatever the device's time zone.
export function tokyoToday(now = new Date()) {
  const tokyo = new Date(now.getTime() + (9 * 60 + now.getTimezoneOffset()) * 60000);
  return isoDate(tokyo);
}

export function isoDate(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function addDays(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}
