// stopGradient: identity forward, zero gradient, also under nested (higher-order) tf.grad.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lower/tfjs/backend.js';
import { stopGradientTf as stopGradient } from '../../src/ops/stop-gradient.js';

const XS = [-1.5, 0.25, 2];

describe('stopGradient', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is the identity forward, keeping shape and values', () => {
    const y = tf.tidy(() => stopGradient(tf, tf.tensor2d([[1, -2], [3.5, 0]])));
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5, 0]);
    y.dispose();
  });

  it('passes no gradient', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(stopGradient(tf, x), 3)))(tf.tensor1d(XS)).dataSync());
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });

  it('stops only its own path: d/dx [x · sg(x)] = sg(x) = x', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, stopGradient(tf, x))))(tf.tensor1d(XS)).dataSync());
    expect(Array.from(g)).toEqual(XS);
  });

  it('nests: d²/dx² [x² · sg(x)] = 2 sg(x) = 2x (6x without the stop)', () => {
    const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(x), stopGradient(tf, x)));
    const g = tf.tidy(() => tf.grad(tf.grad(f))(tf.tensor1d(XS)).dataSync());
    expect(Array.from(g)).toEqual(XS.map((x) => 2 * x));
  });

  it('a stopped sigmoid inside a nested gradient contributes nothing (d²/dx² [x · sg(σ(x))]) = 0', () => {
    const f = (x: tf.Tensor) => tf.sum(tf.mul(x, stopGradient(tf, tf.sigmoid(x))));
    const g = tf.tidy(() => tf.grad(tf.grad(f))(tf.tensor1d(XS)).dataSync());
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });
});
