"""Export a torchvision DenseNet-121 state dict (.pth) to ONNX.

    python3 tools/export/export_densenet121.py --weights models/densenet121-a639ec97.pth \
        --output models/densenet121.onnx

The graph has input `input` float32 [N,3,224,224] (normalised RGB, NCHW) and output `logits`
float32 [N,1000], with a dynamic batch dimension `N`, opset 17. `npm run assets` runs this for
manifests with an "export" recipe. Needs torch and torchvision (any CPU build).
"""

import argparse
import re

import torch
import torchvision

OPSET = 17
CROP_SIZE = 224

# torchvision's published densenet checkpoints predate the ban on '.' in module names: they
# carry keys such as 'denselayer1.norm.1.weight' where the model now has 'denselayer1.norm1.weight'.
# This is the pattern torchvision.models.densenet._load_state_dict uses to rename them.
OLD_LAYER_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$"
)


def load_state_dict(path):
    # weights_only: a .pth is a pickle, and this one may come from the internet.
    state_dict = torch.load(path, map_location="cpu", weights_only=True)
    for key in list(state_dict.keys()):
        match = OLD_LAYER_KEY.match(key)
        if match:
            state_dict[match.group(1) + match.group(2)] = state_dict.pop(key)
    return state_dict


def export(weights, output):
    model = torchvision.models.densenet121(weights=None)
    # strict (the default): a key missing or left over means the wrong file, not a partial model.
    model.load_state_dict(load_state_dict(weights))
    model.eval()
    example = torch.zeros(1, 3, CROP_SIZE, CROP_SIZE)
    with torch.no_grad():
        torch.onnx.export(
            model,
            example,
            output,
            opset_version=OPSET,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", required=True, help="torchvision DenseNet-121 state dict")
    parser.add_argument("--output", required=True, help="ONNX file to write")
    args = parser.parse_args()
    export(args.weights, args.output)


if __name__ == "__main__":
    main()
