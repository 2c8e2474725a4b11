import { describe, expect, it } from 'vitest';
import { companyNameKey, customerKey, websiteDomain } from './customer-keys.ts';

describe('customer keys for the duplicate check', () => {
  it('reduces a website to its domain', () => {
    expect(websiteDomain('https://www.Volvo.com/se/')).toBe('volvo.com');
    expect(websiteDomain('volvocars.se')).toBe('volvocars.se');
    expect(websiteDomain('http://www2.example.co.uk:8080/x?y')).toBe('example.co.uk');
    expect(websiteDomain('not a website')).toBeNull();
    expect(websiteDomain('')).toBeNull();
    expect(websiteDomain(null)).toBeNull();
  });

  it('drops case, accents, punctuation and legal forms from names', () => {
    expect(companyNameKey('Volvo Cars AB')).toBe('volvo cars');
    expect(companyNameKey('VOLVO CARS, A.B.')).toBe('volvo cars a b');
    expect(companyNameKey('Göteborgs Energi AB')).toBe('goteborgs energi');
    expect(companyNameKey('ООО «Ромашка»')).toBe('ромашка');
    expect(companyNameKey('台灣積體電路製造股份有限公司')).toBe('台灣積體電路製造');
    expect(companyNameKey('AB')).toBe('ab');
  });

  it('joins name, city and country', () => {
    expect(customerKey('Volvo Cars AB', 'Göteborg', 'se')).toBe('volvo cars|goteborg|SE');
    expect(customerKey('Volvo Cars', 'GOTEBORG', 'SE')).toBe(customerKey('Volvo Cars AB', 'Göteborg', 'SE'));
  });
});
