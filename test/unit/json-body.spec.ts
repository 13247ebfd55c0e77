import fc from 'fast-check';
import { firstRepeatedKey } from '../../src/shared/http/json-body.js';

describe('firstRepeatedKey: the path of the first key named twice in one object', () => {
  it.each([
    ['{}', undefined],
    ['{"a":1,"b":2}', undefined],
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1},"c":{"b":2}}', undefined],
    ['{"a":{"b":1,"b":2}}', 'a.b'],
    ['{"changes":[{"field":"x"},{"field":"y","from":1,"field":"z"}]}', 'changes[1].field'],
    ['{"a":[[1,2],[{"b":1,"b":2}]]}', 'a[1][0].b'],
    ['[{"a":1},{"a":2}]', undefined],
    ['[{"a":1,"x":[1,"a",{"a":3}],"a":2}]', '[0].a'],
    ['{"a":"a","b":"a"}', undefined],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"s":"\\\\","t":"{\\"t\\":1}","t2":1}', undefined],
    [' { "k" : [ ] , "k" : { } } ', 'k'],
  ])('%s → %s', (text, repeated) => {
    expect(firstRepeatedKey(text)).toBe(repeated);
  });

  it('finds no repeated key in any JSON.stringify output, whatever the values', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => firstRepeatedKey(JSON.stringify(value)) === undefined), { numRuns: 500 });
  });
});
