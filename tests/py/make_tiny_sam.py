#!/usr/bin/python3
"""Writes a tiny TorchScript module pair with SAM's signatures (for cf-segment's SAM backend tests).

usage: make_tiny_sam.py OUTDIR [--size S]
  OUTDIR/image_encoder.pt: (image 1x3xSxS) -> embeddings 1x3x(S/16)x(S/16) (average pooling)
  OUTDIR/mask_decoder.pt:  (embeddings, point_coords Bx1x2, point_labels Bx1)
                           -> (masks Bx3x(S/4)x(S/4) logits, iou_predictions Bx3)
The decoder's three masks are discs of radius S/16, S/8 and S/4 (input pixels) around the
prompt point, with logits 16 * (radius - distance), and predicted IoUs 0.95, 0.92 and 0.5.
"""
import argparse
import os

import torch


class Encoder(torch.nn.Module):
    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.avg_pool2d(image, 16)


class Decoder(torch.nn.Module):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def forward(self, embeddings: torch.Tensor, point_coords: torch.Tensor, point_labels: torch.Tensor):
        low = self.size // 4
        centers = (torch.arange(low, dtype=torch.float32) + 0.5) * 4.0  # low-res pixel centres
        px = point_coords[:, 0, 0].view(-1, 1, 1)
        py = point_coords[:, 0, 1].view(-1, 1, 1)
        d = torch.sqrt((centers.view(1, 1, -1) - px) ** 2 + (centers.view(1, -1, 1) - py) ** 2)
        radii = torch.tensor([self.size / 16.0, self.size / 8.0, self.size / 4.0]).view(1, 3, 1, 1)
        masks = 16.0 * (radii - d.unsqueeze(1)) + 0.0 * embeddings.mean()
        iou = torch.tensor([[0.95, 0.92, 0.5]]).expand(point_coords.shape[0], 3)
        iou = iou * (point_labels > 0).to(torch.float32)
        return masks, iou


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--size", type=int, default=256)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.jit.script(Encoder()).save(os.path.join(args.outdir, "image_encoder.pt"))
    torch.jit.script(Decoder(args.size)).save(os.path.join(args.outdir, "mask_decoder.pt"))


if __name__ == "__main__":
    main()
