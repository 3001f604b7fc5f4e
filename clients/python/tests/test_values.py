"""Hashing and JavaScript's readings of cells, against values worked out by hand or printed by
Node (String(x), Number(s)), and the FNV-1a reference values of src/data/hash.ts."""
import math
import unittest

from recc_client.fnv import fnv1a32, hash_bucket
from recc_client.features import seq_items
from recc_client.jsvalues import cell_number, decimal, dense_values, float32_finite, js_number_text, js_string, js_trim
from recc_client.support import key_text


class Hashing(unittest.TestCase):
    def test_reference_values(self):
        self.assertEqual(fnv1a32(''), 0x811C9DC5)
        self.assertEqual(fnv1a32('a'), 0xE40C292C)
        self.assertEqual(fnv1a32('foobar'), 0xBF9CF968)
        self.assertEqual(hash_bucket('a', 10), 1 + 3826002220 % 10)

    def test_text_as_javascript_sees_it(self):
        # a surrogate pair held as two code points is the character it encodes; a lone one is U+FFFD
        self.assertEqual(fnv1a32('\ud83d\ude00'), fnv1a32('😀'))
        self.assertEqual(fnv1a32('\ud800x'), fnv1a32('\ufffdx'))
        self.assertEqual(fnv1a32('\ud800x'), 0x5BBAE2B6)  # Node: fnv1a32('\ud800x')


class NumberText(unittest.TestCase):
    def test_string_of_numbers(self):
        # String(x) in Node 20
        cases = {1.0: '1', 0.1: '0.1', 1e21: '1e+21', 1e-7: '1e-7', 123456789012345680000.0: '123456789012345680000', 1.5e300: '1.5e+300',
                 -0.0: '0', 5e-324: '5e-324', 0.000001: '0.000001', 1.5e-6: '0.0000015', 2.0 ** 53: '9007199254740992', 1e20: '100000000000000000000',
                 -12.5: '-12.5', 42: '42', math.inf: 'Infinity', math.nan: 'NaN'}
        for x, want in cases.items():
            self.assertEqual(js_number_text(x), want, repr(x))

    def test_string_of_cells(self):
        self.assertEqual(js_string(True), 'true')
        # an int is its digits, past 2^53 too (the loader keeps such a JSON integer as written)
        self.assertEqual(js_string(12345678901234567890), '12345678901234567890')
        self.assertEqual(js_string(-(2 ** 53 + 1)), '-9007199254740993')
        self.assertEqual(js_string([1.0, 'b']), '1,b')
        self.assertEqual(js_string('  x '), '  x ')


class NumberOfText(unittest.TestCase):
    def test_number(self):
        # the loader's decimal (src/data/row.ts): decimal literals only
        self.assertEqual(decimal(' 12.5\n'), 12.5)
        self.assertEqual(decimal('.5e1'), 5.0)
        self.assertEqual(decimal('5.'), 5.0)
        self.assertEqual(decimal('-1e39'), -1e39)
        for bad in ('', '0x1A', '0b101', 'Infinity', '-Infinity', '1_000', 'inf', 'nan', '1,5', '--1', '0x'):
            self.assertTrue(math.isnan(decimal(bad)), bad)

    def test_float32_range(self):
        # Math.fround in Node 20: 3.4028235677973362e38 (the double below the halfway point) rounds down to
        # the largest float32, 3.4028234663852886e38; the halfway point 3.4028235677973366e38 ties to even: Infinity
        self.assertTrue(float32_finite(3.4028234663852886e38))
        self.assertTrue(float32_finite(3.4028235677973362e38))
        self.assertFalse(float32_finite(3.4028235677973366e38))
        self.assertFalse(float32_finite(-1e39))
        self.assertFalse(float32_finite(math.inf))
        self.assertFalse(float32_finite(math.nan))
        self.assertTrue(float32_finite(1e-50))  # underflows to 0: finite

    def test_cells(self):
        self.assertTrue(math.isnan(cell_number('  ')))
        self.assertEqual(cell_number(True), 1.0)
        self.assertEqual(cell_number('\ufeff3'), 3.0)  # trim() takes the BOM, Python's strip() would not
        self.assertEqual(js_trim('\x1fa\x1f'), '\x1fa\x1f')  # and leaves what JavaScript does not call space
        self.assertEqual(dense_values('1, 2|3\t4'), [1.0, 2.0, 3.0, 4.0])
        self.assertEqual(dense_values([1, '2', True]), [1.0, 2.0, 1.0])



class Cells(unittest.TestCase):
    """As recc's loader reads them (test/data/preprocess.test.ts checks the same values there)."""

    def test_characters_keys_and_empty_lists(self):
        self.assertEqual(seq_items('ab😀', ''), ['a', 'b', '😀'])
        self.assertEqual(key_text(['u', None, 3]), 'u||3')
        self.assertTrue(math.isnan(decimal('٣')) and math.isnan(decimal('３')))  # JavaScript's \d is 0-9


if __name__ == '__main__':
    unittest.main()
