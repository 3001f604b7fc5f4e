// Which BLAS Debian's python3-torch loads: PyTorch's speed depends on it (the reference BLAS of
// libblas3, which python3-torch pulls in alone, made it 3.5× slower here than OpenBLAS).
import { spawnSync } from 'node:child_process';

/** The BLAS libraries /usr/bin/python3's torch maps, with a warning when it is the reference one. */
export function torchBlas(env = process.env) {
  const py = spawnSync('/usr/bin/python3', ['-c', "import torch, re; print(' '.join(sorted({l.split()[-1] for l in open('/proc/self/maps') if re.search(r'blas|lapack', l)})))"], { encoding: 'utf8', env });
  const libs = py.stdout.trim();
  if (!libs) return 'none found';
  const reference = !/openblas|mkl|blis/.test(libs);
  return reference ? `${libs} (the reference BLAS: PyTorch runs several times slower than with OpenBLAS; apt-get install libopenblas0-pthread)` : libs;
}
