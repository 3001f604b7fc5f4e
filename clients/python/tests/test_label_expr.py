"""Label expressions, on cases worked out by hand from the rules of src/data/label-expr.ts."""
import unittest

from recc_client.label_expr import LabelError, eval_label


def name(n):
    return {'kind': 'Name', 'name': n}


def num(v):
    return {'kind': 'Number', 'value': v, 'isInt': float(v).is_integer()}


def binary(op, a, b):
    return {'kind': 'Binary', 'op': op, 'left': a, 'right': b}


class LabelExpressions(unittest.TestCase):
    def test_numbers_text_and_logic(self):
        self.assertEqual(eval_label(binary('>=', name('rating'), num(4)), {'rating': '4.5'}), 1.0)
        self.assertEqual(eval_label(binary('>=', name('rating'), num(4)), {'rating': 3}), 0.0)
        self.assertEqual(eval_label(name('clicked'), {'clicked': 'TRUE'}), 1.0)
        self.assertEqual(eval_label(binary('==', name('genre'), {'kind': 'String', 'value': 'drama'}), {'genre': ' drama '}), 1.0)
        # a numeric cell compared with text compares texts: 4.0 reads as "4.0", the number 4 prints "4"
        self.assertEqual(eval_label(binary('==', name('r'), {'kind': 'String', 'value': '4'}), {'r': '4.0'}), 0.0)
        self.assertEqual(eval_label(binary('==', name('r'), {'kind': 'String', 'value': '4'}), {'r': 4.0}), 1.0)
        self.assertEqual(eval_label(binary('and', name('a'), {'kind': 'Unary', 'op': 'not', 'operand': name('b')}), {'a': '2', 'b': 'false'}), 1.0)
        self.assertEqual(eval_label({'kind': 'Paren', 'expr': binary('/', name('a'), num(4))}, {'a': '1'}), 0.25)

    def test_errors(self):
        with self.assertRaisesRegex(LabelError, 'missing column `y`'):
            eval_label(name('y'), {})
        with self.assertRaisesRegex(LabelError, 'is empty'):
            eval_label(name('y'), {'y': ''})
        with self.assertRaisesRegex(LabelError, 'holds `yes`, not a number'):
            eval_label(binary('>', name('y'), num(1)), {'y': 'yes'})
        with self.assertRaisesRegex(LabelError, 'Infinity on this row'):
            eval_label(binary('/', name('y'), num(0)), {'y': '1'})
        # past float32's range, in the cell or in the result (src/data/label-expr.ts)
        for cell in ('1e39', 1e39, -1e39, 10 ** 40):
            with self.assertRaisesRegex(LabelError, "beyond float32's range"):
                eval_label(name('y'), {'y': cell})
        with self.assertRaisesRegex(LabelError, "gives 1.0000000000000001e\\+39 on this row, beyond float32's range"):
            eval_label(binary('*', name('y'), num(1e30)), {'y': '1e9'})
        # text that is no decimal is text: `0x10` and `Infinity` are not numbers
        for cell in ('0x10', 'Infinity', '1_000'):
            with self.assertRaisesRegex(LabelError, 'not a number'):
                eval_label(binary('>', name('y'), num(1)), {'y': cell})


if __name__ == '__main__':
    unittest.main()
