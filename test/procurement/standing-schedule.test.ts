import { describe, expect, it } from 'vitest';
import { CATCH_UP_DAYS, dueDays } from '../../src/procurement/standing-orders.service';
import { addDays, isoWeekday, nextOccurrences, occurrencesBetween, occursOn, type Schedule } from '../../src/procurement/standing-schedule';
import { shanghaiDay, startOfShanghaiDay } from '../../src/lib/time';

/** Schedule arithmetic on Shanghai calendar days: weekdays, month ends, leap years, the catch-up window. */

const weekly = (...weekdays: number[]): Schedule => ({ cadence: 'weekly', weekdays, monthDay: null });
const monthly = (monthDay: number): Schedule => ({ cadence: 'monthly', weekdays: null, monthDay });

describe('standing order schedules', () => {
  it('Should name ISO weekdays of Shanghai days (2026-12-07 is a Monday, 2026-12-13 a Sunday)', () => {
    expect(isoWeekday('2026-12-07')).toBe(1);
    expect(isoWeekday('2026-12-13')).toBe(7);
  });

  it('Should place a weekly schedule on its weekdays across a month and a year end', () => {
    expect(occurrencesBetween(weekly(1, 4), '2026-12-28', '2027-01-11')).toEqual(['2026-12-28', '2026-12-31', '2027-01-04', '2027-01-07', '2027-01-11']);
  });

  it('Should move the 31st to the last day of shorter months, never into the next month', () => {
    expect(occurrencesBetween(monthly(31), '2027-01-01', '2027-05-31')).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
  });

  it('Should use 29 February in a leap year and 28 February otherwise', () => {
    expect(occurrencesBetween(monthly(30), '2028-02-01', '2028-03-31')).toEqual(['2028-02-29', '2028-03-30']);
    expect(occurrencesBetween(monthly(29), '2027-02-01', '2027-03-31')).toEqual(['2027-02-28', '2027-03-29']);
    expect(occursOn(monthly(29), '2027-03-01')).toBe(false);
  });

  it('Should list the next days from a start and stop at the end date', () => {
    expect(nextOccurrences(monthly(15), '2026-12-16', 3, null)).toEqual(['2027-01-15', '2027-02-15', '2027-03-15']);
    expect(nextOccurrences(weekly(5), '2026-12-01', 10, '2026-12-18')).toEqual(['2026-12-04', '2026-12-11', '2026-12-18']);
    expect(nextOccurrences(weekly(5), '2026-12-19', 3, '2026-12-18')).toEqual([]);
  });

  it('Should count the Shanghai day, not the UTC one: 23:30 UTC on the 6th is already Monday the 7th in Shanghai', () => {
    const lateUtc = Date.parse('2026-12-06T23:30:00Z');
    expect(shanghaiDay(lateUtc)).toBe('2026-12-07');
    expect(dueDays({ ...weekly(1), placeFrom: '2026-12-01', endDate: null }, shanghaiDay(lateUtc))).toEqual(['2026-12-07']);
    expect(dueDays({ ...weekly(1), placeFrom: '2026-12-01', endDate: null }, shanghaiDay(startOfShanghaiDay('2026-12-07') - 1))).toEqual([]);
  });

  it('Should catch up missed days only within the catch-up window, from the placing start, up to the end date', () => {
    const everyDay = weekly(1, 2, 3, 4, 5, 6, 7);
    expect(dueDays({ ...everyDay, placeFrom: '2026-11-01', endDate: null }, '2026-12-10')).toEqual([addDays('2026-12-10', -CATCH_UP_DAYS), '2026-12-09', '2026-12-10']);
    expect(dueDays({ ...everyDay, placeFrom: '2026-12-10', endDate: null }, '2026-12-10')).toEqual(['2026-12-10']);
    expect(dueDays({ ...everyDay, placeFrom: '2026-11-01', endDate: '2026-12-09' }, '2026-12-10')).toEqual(['2026-12-08', '2026-12-09']);
  });
});
