"""Preprocess photos with the reference pipeline and write them as one float32 NCHW tensor.

    python3 tools/export/reference_preprocess.py --output batch.f32 a.JPEG b.JPEG …

The pipeline is the one ../shared/images/reference_predictions.csv was made with: PIL decode,
convert('RGB'), Resize(256) (bilinear, antialiased), CenterCrop(224), ToTensor, Normalize with
the ImageNet mean and std. Tests feed the result to ONNX models, so no image code in TypeScript
is needed to compare two models. Output: raw little-endian float32, N×3×224×224, no header.
"""

import argparse

import torch
from PIL import Image
from torchvision import transforms

REFERENCE = transforms.Compose(
    [
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ]
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True, help="raw float32 file to write")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    batch = torch.stack([REFERENCE(Image.open(path).convert("RGB")) for path in args.images])
    batch.numpy().astype("<f4").tofile(args.output)


if __name__ == "__main__":
    main()
