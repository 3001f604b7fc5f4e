// Nested tf.grad with the project's gradients, against values computed independently: closed-form
// second derivatives, and a MAML meta-gradient of a one-hidden-unit net from central finite
// differences of a float64 re-implementation of the same loss in plain JavaScript.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { logSoftmax } from '../../src/ops/log-softmax.js';

type Fn = (x: tf.Tensor) => tf.Tensor;
const POINTS = [-2.5, -0.7, 0, 0.4, 1.9];
const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** d²/dx² of an element-wise f at every point, by nested tf.grad. */
function second(f: Fn, xs: number[]): number[] {
  return Array.from(tf.tidy(() => tf.grad(tf.grad(f))(tf.tensor1d(xs))).dataSync());
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`second derivatives on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('sigmoid: s(1−s)(1−2s)', () => {
      expectClose(second(tf.sigmoid, POINTS), POINTS.map((x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x))), 1e-6);
    });

    it('tanh: −2 t (1 − t²)', () => {
      expectClose(second(tf.tanh, POINTS), POINTS.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)), 1e-6);
    });

    it('exp: eˣ', () => {
      expectClose(second(tf.exp, POINTS), POINTS.map((x) => Math.exp(x)), 1e-5);
    });

    it('third derivative of sigmoid: s(1−s)(1−6s+6s²)', () => {
      const got = tf.tidy(() => tf.grad(tf.grad(tf.grad(tf.sigmoid)))(tf.tensor1d(POINTS)).dataSync());
      expectClose(got, POINTS.map((x) => sig(x) * (1 - sig(x)) * (1 - 6 * sig(x) + 6 * sig(x) ** 2)), 1e-6);
    });

    // For y = softmax(x) and L = Σ cᵢ yᵢ: ∂L/∂xⱼ = yⱼ (cⱼ − c̄) with c̄ = Σ cᵢ yᵢ, so the gradient of
    // G = Σ dⱼ ∂L/∂xⱼ is ∂G/∂xₖ = Σⱼ dⱼ [(δⱼₖ − yₖ) yⱼ (cⱼ − c̄) − yⱼ yₖ (cₖ − c̄)].
    const X = [0.3, -1.2, 0.8, 0.1];
    const C = [1.5, -0.5, 2, 0.25];
    const Dv = [0.7, 0.2, -1.1, 0.4];
    function softmaxHessianTimes(x: number[], c: number[], d: number[]): number[] {
      const e = x.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      const y = e.map((v) => v / s);
      const cbar = c.reduce((a, ci, i) => a + ci * y[i]!, 0);
      return x.map((_, k) =>
        d.reduce((acc, dj, j) => acc + dj * (((j === k ? 1 : 0) - y[k]!) * y[j]! * (c[j]! - cbar) - y[j]! * y[k]! * (c[k]! - cbar)), 0),
      );
    }
    it('softmax: Hessian-vector product by hand', () => {
      const got = tf.tidy(() => {
        const c = tf.tensor2d([C]);
        const d = tf.tensor2d([Dv]);
        const inner = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), c)));
        return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(inner(x), d)))(tf.tensor2d([X])).dataSync();
      });
      expectClose(got, softmaxHessianTimes(X, C, Dv), 1e-6);
    });

    // For L = Σ cᵢ logsoftmax(x)ᵢ: ∂L/∂xⱼ = cⱼ − S yⱼ (S = Σ cᵢ), so ∂G/∂xₖ = −S Σⱼ dⱼ yⱼ (δⱼₖ − yₖ).
    it('logSoftmax: values as tf.logSoftmax, Hessian-vector product by hand', () => {
      const [value, ref, got] = tf.tidy(() => {
        const x = tf.tensor2d([X, [100, 101, 99, 100.5]]); // the second row would overflow exp unshifted
        const c = tf.tensor2d([C]);
        const d = tf.tensor2d([Dv]);
        const inner = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logSoftmax(tf, v), c)));
        const hv = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(inner(v), d)))(tf.tensor2d([X]));
        return [logSoftmax(tf, x).dataSync(), tf.logSoftmax(x).dataSync(), hv.dataSync()];
      });
      expectClose(value!, ref!, 1e-5);
      const e = X.map(Math.exp);
      const y = e.map((v) => v / e.reduce((a, b) => a + b, 0));
      const S = C.reduce((a, b) => a + b, 0);
      const dy = Dv.reduce((a, dj, j) => a + dj * y[j]!, 0);
      expectClose(got!, X.map((_, k) => -S * (Dv[k]! * y[k]! - dy * y[k]!)), 1e-6);
    });

    it('comparison ops have zero gradients, so nested grads through masks work', () => {
      // f = Σ max(x², 1): f′ = 2x·[x² > 1] (Maximum's gradient builds masks with GreaterEqual
      // and Less), f″ = 2·[x² > 1]. Points stay off the kink.
      const got = second((x) => tf.sum(tf.maximum(tf.square(x), 1)), POINTS);
      expectClose(got, POINTS.map((x) => (x * x > 1 ? 2 : 0)), 1e-6);
      const xs = [0.2, 0.5, 0.9];
      const cases: Array<[(a: tf.Tensor, b: number) => tf.Tensor, (v: number) => boolean]> = [
        [tf.equal, (v) => v === 0.5],
        [tf.notEqual, (v) => v !== 0.5],
        [tf.greater, (v) => v > 0.5],
        [tf.greaterEqual, (v) => v >= 0.5],
        [tf.less, (v) => v < 0.5],
        [tf.lessEqual, (v) => v <= 0.5],
      ];
      for (const [op, holds] of cases) {
        // d/dx of x·[x ∘ 0.5]: the mask is constant, so the gradient is the mask itself
        const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, tf.cast(op(x, 0.5), 'float32'))))(tf.tensor1d(xs)).dataSync());
        expectClose(g, xs.map((v) => Number(holds(v))), 0);
      }
    });

    // MAML (Finn et al. 2017) on a net with one hidden unit: θ = (w1, b1, w2, b2),
    // ŷ = σ(w2·σ(w1·x + b1) + b2), L = mean (ŷ − y)². Inner step θ′ = θ − α ∇L_support(θ);
    // the meta-gradient is ∇θ L_query(θ′(θ)), which involves the Hessian of L_support.
    const SUPPORT = { x: [-1.5, 0.3, 1.2, 2.0], y: [0.1, 0.7, 0.4, 0.9] };
    const QUERY = { x: [-0.8, 0.5, 1.7], y: [0.3, 0.8, 0.2] };
    const THETA = [1.3, -0.4, 2.1, 0.2];
    const ALPHA = 2.0;
    function loss64(t: number[], set: { x: number[]; y: number[] }): number {
      return set.x.reduce((a, x, i) => a + (sig(t[2]! * sig(t[0]! * x + t[1]!) + t[3]!) - set.y[i]!) ** 2, 0) / set.x.length;
    }
    /** ∇θ L by hand (backpropagation written out in float64). */
    function lossGrad64(t: number[], set: { x: number[]; y: number[] }): number[] {
      const g = [0, 0, 0, 0];
      const n = set.x.length;
      set.x.forEach((x, i) => {
        const h = sig(t[0]! * x + t[1]!);
        const yhat = sig(t[2]! * h + t[3]!);
        const dz = ((2 * (yhat - set.y[i]!)) / n) * yhat * (1 - yhat);
        const da = dz * t[2]! * h * (1 - h);
        g[0] += da * x;
        g[1] += da;
        g[2] += dz * h;
        g[3] += dz;
      });
      return g;
    }
    function grad64(f: (t: number[]) => number, t: number[], h: number): number[] {
      return t.map((_, i) => {
        const p = t.slice();
        const m = t.slice();
        p[i]! += h;
        m[i]! -= h;
        return (f(p) - f(m)) / (2 * h);
      });
    }
    function meta64(t: number[]): number {
      const g = lossGrad64(t, SUPPORT);
      return loss64(t.map((v, i) => v - ALPHA * g[i]!), QUERY);
    }
    function lossTf(t: tf.Tensor[], set: { x: number[]; y: number[] }): tf.Scalar {
      const [w1, b1, w2, b2] = t as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
      const h = tf.sigmoid(tf.add(tf.mul(w1, tf.tensor1d(set.x)), b1));
      return tf.mean(tf.square(tf.sub(tf.sigmoid(tf.add(tf.mul(w2, h), b2)), tf.tensor1d(set.y))));
    }
    it('MAML meta-gradient of a one-hidden-unit net matches float64 finite differences', () => {
      // the hand-written gradient agrees with finite differences of the loss
      expectClose(lossGrad64(THETA, SUPPORT), grad64((u) => loss64(u, SUPPORT), THETA, 1e-5), 1e-9);
      const want = grad64(meta64, THETA, 1e-5);
      // The first-order approximation (∇L_query at θ′, Hessian dropped) is far off: the check can fail.
      const g = lossGrad64(THETA, SUPPORT);
      const firstOrder = lossGrad64(THETA.map((v, i) => v - ALPHA * g[i]!), QUERY);
      expect(Math.max(...want.map((w, i) => Math.abs(w - firstOrder[i]!)))).toBeGreaterThan(1e-3);
      const got = tf.tidy(() => {
        const meta = (...t: tf.Tensor[]) => {
          const gs = tf.grads((...u: tf.Tensor[]) => lossTf(u, SUPPORT))(t);
          return lossTf(t.map((v, i) => tf.sub(v, tf.mul(ALPHA, gs[i]!))), QUERY);
        };
        return tf.grads(meta)(THETA.map((v) => tf.scalar(v))).map((x) => x.dataSync()[0]!);
      });
      expectClose(got, want, 2e-6);
    });
  });
}
