#!/usr/bin/env python3
"""Fashion-MNIST as labelled PNG folders (the README's fit/finetune figures): the official low-shot split
seed{S}_k{K} of fmnist-lowshot-splits.json from the training set (K "all": all 60,000 training images, as
OUT/train-all), and the first N test images of each class.
Standard library only (gzip, zlib): writes 28-px 8-bit gray PNGs as OUT/train-kK-sS/CLASS/INDEX.png and
OUT/test-N/CLASS/INDEX.png.
Usage: fmnist_to_png.py SPLITS.json OUT K[,K...] SEED N [FASHION_MNIST_DIR]"""
import gzip, json, os, struct, sys, zlib

CLASSES = ["t-shirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"]

def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]

def png(path, pixels, w, h):
    raw = b"".join(b"\x00" + pixels[r * w:(r + 1) * w] for r in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def write(folder, images, labels, indices):
    (n, h, w), pixels = images
    for i in indices:
        d = os.path.join(folder, CLASSES[labels[i]])
        os.makedirs(d, exist_ok=True)
        png(os.path.join(d, f"{i}.png"), pixels[i * h * w:(i + 1) * h * w], w, h)

def main():
    splits, out, shots, seed, per_class = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    src = sys.argv[6] if len(sys.argv) > 6 else "/usr/share/datasets/fashion-mnist"
    train, train_labels = idx(f"{src}/train-images-idx3-ubyte.gz"), idx(f"{src}/train-labels-idx1-ubyte.gz")[1]
    test, test_labels = idx(f"{src}/t10k-images-idx3-ubyte.gz"), idx(f"{src}/t10k-labels-idx1-ubyte.gz")[1]
    table = json.load(open(splits))["splits"]
    for k in shots.split(","):
        if k == "all":
            write(os.path.join(out, "train-all"), train, train_labels, range(len(train_labels)))
        else:
            write(os.path.join(out, f"train-k{k}-s{seed}"), train, train_labels, table[f"seed{seed}_k{k}"])
    first = [i for c in range(10) for i in [j for j in range(len(test_labels)) if test_labels[j] == c][:per_class]]
    write(os.path.join(out, f"test-{per_class}"), test, test_labels, first)

main()
