"""The original design, as a benchmark baseline: Flask + PyTorch eager, one image per request.

    /usr/bin/python3 tools/baseline/server.py --weights models/densenet121-synthetic.pth \
        --labels labels/imagenet_class_index.json [--port 0] [--server waitress|flask]

POST /run_inference with a multipart field `file` answers {"class_id", "class_name"}.
torchvision's evaluation transform (Resize(256), CenterCrop(224), ToTensor, Normalize) on a
PIL image, then torchvision's densenet121 in eager mode. Tuned in its favour: inference_mode and
every core for torch (Debian's torch defaults to one thread). Prints one JSON line once it
listens, which `npm run bench` reads: the address, the torch thread count and the server.
Needs torch, torchvision, PIL, Flask, and optionally waitress (apt: python3-flask python3-waitress).
"""

import argparse
import json
import os
import sys
from pathlib import Path

import torch
import torchvision
from flask import Flask, jsonify, request
from PIL import Image
from torchvision import transforms

# The .pth key remapping lives with the ONNX export; reuse it rather than keep a second copy.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "export"))
from export_densenet121 import load_state_dict  # noqa: E402

TRANSFORM = transforms.Compose(
    [
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ]
)


def load_model(weights):
    model = torchvision.models.densenet121(weights=None)
    model.load_state_dict(load_state_dict(weights))
    model.eval()
    return model


def create_app(model, class_index):
    app = Flask(__name__)

    @app.post("/run_inference")
    def run_inference():
        upload = request.files.get("file")
        if upload is None:
            return jsonify(error="no file field"), 400
        image = Image.open(upload.stream).convert("RGB")
        with torch.inference_mode():
            logits = model(TRANSFORM(image).unsqueeze(0))
        class_id, class_name = class_index[str(int(logits.argmax(dim=1)))]
        return jsonify(class_id=class_id, class_name=class_name)

    return app


def make_server(app, host, port, server, threads):
    """A server bound to `port` (0 picks one); returns it and the port it got."""
    if server == "waitress":
        from waitress import create_server

        instance = create_server(app, host=host, port=port, threads=threads)
        return instance, instance.effective_port, instance.run
    from werkzeug.serving import make_server as make_werkzeug_server

    instance = make_werkzeug_server(host, port, app, threaded=True)
    return instance, instance.server_port, instance.serve_forever


def default_server():
    try:
        import waitress  # noqa: F401

        return "waitress"
    except ImportError:
        return "flask"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", required=True, help="torchvision DenseNet-121 state dict")
    parser.add_argument("--labels", required=True, help="imagenet_class_index.json")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--server", choices=["waitress", "flask"], default=default_server())
    parser.add_argument("--threads", type=int, default=4, help="waitress request threads")
    parser.add_argument("--torch-threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    torch.set_num_threads(args.torch_threads)
    model = load_model(args.weights)
    with open(args.labels, encoding="utf-8") as file:
        class_index = json.load(file)
    app = create_app(model, class_index)
    _, port, serve = make_server(app, args.host, args.port, args.server, args.threads)
    server = f"waitress (threads={args.threads})" if args.server == "waitress" else "flask threaded"
    ready = {
        "listening": f"http://{args.host}:{port}",
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "server": server,
    }
    print(json.dumps(ready), flush=True)
    serve()


if __name__ == "__main__":
    main()
