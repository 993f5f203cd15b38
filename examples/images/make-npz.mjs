// Writes an image .npz ({images: uint8 (n, 28, 28), labels: uint8 (n,)}) from MNIST's idx
// files, for the images workflow. Run after `npm run build`:
//   node examples/images/make-npz.mjs <mnist dir> <out.npz> [train|t10k] [limit]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { encodeNpy, readMnistImages, readMnistLabels } from '../../dist/src/data/index.js';

const [dir, out, prefix = 't10k', limitArg] = process.argv.slice(2);
if (!dir || !out) {
  console.error(
    'usage: node examples/images/make-npz.mjs <mnist dir> <out.npz> [train|t10k] [limit]',
  );
  process.exit(2);
}
const images = readMnistImages(join(dir, `${prefix}-images-idx3-ubyte.gz`));
const labels = readMnistLabels(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
const n = Math.min(images.count, limitArg ? Number(limitArg) : images.count);
const size = images.rows * images.cols;
const zip = zipSync({
  'images.npy': encodeNpy({
    dtype: 'uint8',
    shape: [n, images.rows, images.cols],
    data: images.data.slice(0, n * size),
  }),
  'labels.npy': encodeNpy({ dtype: 'uint8', shape: [n], data: labels.slice(0, n) }),
});
writeFileSync(out, zip);
console.log(`${out}: ${n} images of ${images.rows}x${images.cols}`);
