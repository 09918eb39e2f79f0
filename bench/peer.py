"""Python peer of `solo bench`: the same measurements as the Java SDK, in plain PyTorch eager.

This file is a *benchmark peer* (see bench/PROTOCOL.md, the contract with the Java side). It is
never used by the SDK, its tests or at run time. It implements SOLO (../shared/SPEC.md) the way a
competent Python engineer would with Hugging Face transformers' Mistral as the model: eager
PyTorch, matmul + float32 softmax attention with an additive mask, repeat_kv for grouped-query
attention, rotate_half RoPE, RMSNorm in float32, SwiGLU MLP, untied lm_head, a KV cache that
grows by concatenation (like HF's DynamicCache). No fused kernels, no hand tuning.

Run it with Debian's interpreter, which has python3-torch 1.13, torchvision, PIL and numpy:

    /usr/bin/python3 bench/peer.py MEASURE --workdir W --threads N \
        [--config small|medium] [--tokens T] [--steps S] [--seconds X]

MEASURE is one of matmul, train, generate, batch, preprocess, load. Each run prints exactly one
line `RESULT {json}` on stdout; logs go to stderr; errors exit non-zero with a message.

Two extra subcommands exist for developing the peer, not for `solo bench`:

    /usr/bin/python3 bench/peer.py make-workdir W
        Writes a test workdir with the layout the Java orchestrator writes (random float32
        checkpoints for small and medium, image-1024.png, prompt-1024.json, batch.json and
        batch-*.png, 20 JPEGs in jpeg/), so the peer can be run before the Java side exists.
    /usr/bin/python3 bench/peer.py check-fixture [DIR]
        Checks this model against the golden fixture (default ../shared/fixtures/solo-tiny):
        patches, logits and greedy tokens.
"""

import argparse
import ctypes
import importlib.util
import json
import math
import os
import platform
import re
import resource
import statistics
import struct
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

# The peer needs Debian's python3-torch. When another python3 without torch (a pyenv one on PATH)
# starts it, hand over to Debian's interpreter instead of failing on the import below.
DEBIAN_PYTHON = "/usr/bin/python3"
if (importlib.util.find_spec("torch") is None and os.path.exists(DEBIAN_PYTHON)
        and os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON)):
    os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, *sys.argv])

# Debian's torch runs its own ops on a GNU OpenMP pool and its matmuls on OpenBLAS's separate
# pthread pool. OpenMP workers spin after each parallel region by default, starving the OpenBLAS
# threads on the same cores (decoding measured up to 12x slower on 2 cores; pytorch/pytorch#119374
# and OpenBLAS's FAQ on OpenBLAS with OpenMP). Idle OpenMP threads must sleep instead. libgomp
# reads this when torch loads it, so it is set before the import; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402 (after the environment above)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torchvision  # noqa: E402
from PIL import Image  # noqa: E402
from torch import nn  # noqa: E402
from torchvision import transforms  # noqa: E402

# Token ids of the benchmark checkpoints (PROTOCOL.md): Mistral's 32000 pieces, then SOLO's block.
BOS_ID, EOS_ID = 1, 2
VISION_ID, VPATCH_ID, VROW_SEP_ID = 32000, 32001, 32002
SUPPRESS_FROM = 32000  # generation never emits an id >= this (the appended special block)
PAD_ID = 0  # left padding in batched generation; masked out, so its value does not matter

# Image preprocessing constants of SOLO's image_utils.py (SPEC section 2).
MAX_RESOLUTION = 1024
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def log(message):
    print(f"[peer] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Safetensors: Debian has no `safetensors` package, and the format is small enough to read here.
# Layout: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
# then the data; offsets are relative to the end of the header.
# ---------------------------------------------------------------------------------------------

# safetensors dtype -> (numpy dtype to read the bytes as, torch dtype to reinterpret them as).
# numpy has no bfloat16, so BF16 is read as int16 and reinterpreted bit for bit.
SAFETENSORS_DTYPES = {
    "F64": (np.float64, None),
    "F32": (np.float32, None),
    "F16": (np.float16, None),
    "BF16": (np.int16, torch.bfloat16),
    "I64": (np.int64, None),
    "I32": (np.int32, None),
    "I16": (np.int16, None),
    "I8": (np.int8, None),
    "U8": (np.uint8, None),
    "BOOL": (np.bool_, None),
}
TORCH_TO_SAFETENSORS = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def read_safetensors(path):
    """Returns {name: tensor} viewing a copy-on-write memory map of the file (no copy yet).

    The tensors are valid while referenced; load_state_dict then copies each one straight from the
    page cache into the model's parameters, which is the one copy a load needs.
    """
    path = Path(path)
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
    data_start = 8 + header_len
    data_len = path.stat().st_size - data_start
    # mode "c" (copy-on-write) gives writable arrays, so torch.from_numpy does not warn; nothing
    # ever writes to them, so nothing is copied.
    data = np.memmap(path, dtype=np.uint8, mode="c", offset=data_start) if data_len > 0 else None
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in SAFETENSORS_DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        np_dtype, torch_view = SAFETENSORS_DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = tuple(info["shape"])
        expected = math.prod(shape) * np.dtype(np_dtype).itemsize
        if end - begin != expected or not 0 <= begin <= end <= data_len:
            raise ValueError(f"{path}: tensor {name} has data_offsets {begin}..{end}, "
                             f"expected {expected} bytes within {data_len}")
        if expected == 0:
            array = np.zeros(shape, dtype=np_dtype)
        else:
            array = data[begin:end].view(np_dtype).reshape(shape)
            if array.ctypes.data % array.itemsize:
                # The format only aligns the data start to 8 when the writer pads the header.
                array = array.copy()
        tensor = torch.from_numpy(array)
        tensors[name] = tensor.view(torch_view) if torch_view is not None else tensor
    return tensors


def write_safetensors(path, tensors):
    """Writes {name: tensor} as safetensors, header padded to 8 bytes like the reference writer."""
    header, offset = {}, 0
    for name, t in tensors.items():
        nbytes = t.numel() * t.element_size()
        header[name] = {"dtype": TORCH_TO_SAFETENSORS[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for t in tensors.values():
            t = t.detach().contiguous()
            if t.dtype == torch.bfloat16:
                t = t.view(torch.int16)
            f.write(t.numpy().tobytes())


# ---------------------------------------------------------------------------------------------
# Model: SOLO = Mistral decoder + one bias-free linear layer for raw image patches.
# ---------------------------------------------------------------------------------------------

@dataclass
class SoloConfig:
    """The config.json fields the model needs (Hugging Face MistralConfig names)."""
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    sliding_window: int = None  # None: plain causal attention
    vision_patch_size: int = 32
    head_dim: int = None  # newer MistralConfig may set it; else hidden_size / num_attention_heads

    def __post_init__(self):
        if self.head_dim is None:
            self.head_dim = self.hidden_size // self.num_attention_heads

    @classmethod
    def from_json(cls, path):
        raw = json.loads(Path(path).read_text())
        required = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                    "num_attention_heads", "num_key_value_heads")
        missing = [k for k in required if k not in raw]
        if missing:
            raise ValueError(f"{path}: missing {', '.join(missing)}")
        known = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in raw.items() if k in known})

    def to_json(self):
        """config.json as the SOLO-7B checkpoint writes it: MistralConfig plus vision_patch_size."""
        return {
            "architectures": ["SoloForCausalLM"], "model_type": "mistral", "hidden_act": "silu",
            "vocab_size": self.vocab_size, "hidden_size": self.hidden_size,
            "intermediate_size": self.intermediate_size,
            "num_hidden_layers": self.num_hidden_layers,
            "num_attention_heads": self.num_attention_heads,
            "num_key_value_heads": self.num_key_value_heads, "head_dim": self.head_dim,
            "rms_norm_eps": self.rms_norm_eps, "rope_theta": self.rope_theta,
            "sliding_window": self.sliding_window, "vision_patch_size": self.vision_patch_size,
            "max_position_embeddings": 32768, "bos_token_id": BOS_ID, "eos_token_id": EOS_ID,
            "tie_word_embeddings": False, "initializer_range": 0.02, "attention_dropout": 0.0,
            "torch_dtype": "float32",
        }


# The two benchmark configs (PROTOCOL.md, "Configs").
BENCH_CONFIGS = {
    "small": SoloConfig(vocab_size=33031, hidden_size=512, intermediate_size=1408,
                        num_hidden_layers=8, num_attention_heads=8, num_key_value_heads=2,
                        sliding_window=4096),
    "medium": SoloConfig(vocab_size=33031, hidden_size=1024, intermediate_size=2816,
                         num_hidden_layers=16, num_attention_heads=16, num_key_value_heads=4,
                         sliding_window=4096),
}


class RMSNorm(nn.Module):
    def __init__(self, hidden_size, eps, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size, device=device))
        self.eps = eps

    def forward(self, x):
        # As HF Mistral: normalise in float32, cast back, then scale.
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class RotaryEmbedding(nn.Module):
    """cos/sin tables for rotate_half RoPE, computed once and grown when a longer sequence comes.

    The tables are plain attributes rather than buffers so the model can be built on the meta
    device (no random init to pay for on load) without losing them.
    """

    def __init__(self, head_dim, theta):
        super().__init__()
        self.head_dim, self.theta = head_dim, theta
        self.cos = self.sin = None  # [positions, head_dim]

    def _build(self, length):
        inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32)
                                         / self.head_dim))
        freqs = torch.outer(torch.arange(length, dtype=torch.float32), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)  # first half / second half, as rotate_half expects
        self.cos, self.sin = emb.cos(), emb.sin()

    def forward(self, position_ids):
        """position_ids [batch, seq] -> cos, sin [batch, seq, head_dim]."""
        needed = int(position_ids.max()) + 1
        if self.cos is None or self.cos.shape[0] < needed:
            self._build(max(needed, 4096))
        return self.cos[position_ids], self.sin[position_ids]


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)  # broadcast over heads
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


def repeat_kv(x, n_rep):
    """[batch, kv_heads, seq, dim] -> [batch, kv_heads * n_rep, seq, dim], as HF does for GQA."""
    if n_rep == 1:
        return x
    b, kv_heads, seq, dim = x.shape
    return x[:, :, None].expand(b, kv_heads, n_rep, seq, dim).reshape(b, kv_heads * n_rep, seq, dim)


class Attention(nn.Module):
    def __init__(self, config, device=None):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.num_kv_heads = config.num_key_value_heads
        self.head_dim = config.head_dim
        hidden, kv_dim = config.hidden_size, self.num_kv_heads * self.head_dim
        self.q_proj = nn.Linear(hidden, self.num_heads * self.head_dim, bias=False, device=device)
        self.k_proj = nn.Linear(hidden, kv_dim, bias=False, device=device)
        self.v_proj = nn.Linear(hidden, kv_dim, bias=False, device=device)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, hidden, bias=False, device=device)

    def forward(self, x, cos, sin, mask, past_kv):
        b, seq, _ = x.shape
        q = self.q_proj(x).view(b, seq, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        if past_kv is not None:
            # The cache keeps the kv heads unrepeated and grows by concatenation (DynamicCache).
            k = torch.cat((past_kv[0], k), dim=2)
            v = torch.cat((past_kv[1], v), dim=2)
        present = (k, v)
        k = repeat_kv(k, self.num_heads // self.num_kv_heads)
        v = repeat_kv(v, self.num_heads // self.num_kv_heads)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, seq, -1)
        return self.o_proj(out), present


class MLP(nn.Module):
    def __init__(self, config, device=None):
        super().__init__()
        hidden, inter = config.hidden_size, config.intermediate_size
        self.gate_proj = nn.Linear(hidden, inter, bias=False, device=device)
        self.up_proj = nn.Linear(hidden, inter, bias=False, device=device)
        self.down_proj = nn.Linear(inter, hidden, bias=False, device=device)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, config, device=None):
        super().__init__()
        self.self_attn = Attention(config, device)
        self.mlp = MLP(config, device)
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)

    def forward(self, x, cos, sin, mask, past_kv):
        attn, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_kv)
        x = x + attn
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


def attention_mask_4d(padding_mask, q_len, past_len, sliding_window, dtype):
    """Additive mask [batch or 1, 1, q_len, past_len + q_len]: 0 where allowed, dtype min elsewhere.

    Query i (cache index past_len + i) sees key j iff j <= past_len + i, within the sliding window,
    and key j is not padding (padding_mask [batch, kv_len], 1 = real token), as HF builds it.
    """
    kv_len = past_len + q_len
    q_idx = torch.arange(past_len, kv_len).unsqueeze(1)
    k_idx = torch.arange(kv_len).unsqueeze(0)
    allowed = k_idx <= q_idx
    if sliding_window is not None:
        allowed &= (q_idx - k_idx) < sliding_window
    allowed = allowed[None, None]
    if padding_mask is not None:
        allowed = allowed & padding_mask[:, None, None, :].bool()
    return torch.zeros(allowed.shape, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)


class SoloModel(nn.Module):
    def __init__(self, config, device=None):
        super().__init__()
        self.config = config
        patch_dim = 3 * config.vision_patch_size ** 2
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size, device=device)
        self.embed_vision_patch = nn.Linear(patch_dim, config.hidden_size, bias=False,
                                            device=device)
        self.layers = nn.ModuleList(DecoderLayer(config, device)
                                    for _ in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)
        self.rotary_emb = RotaryEmbedding(config.head_dim, config.rope_theta)

    def embed(self, input_ids, patches, patch_indices):
        """Token embeddings, plus the k-th patch's embedding at the k-th `<vpatch>` (SOLO)."""
        x = self.embed_tokens(input_ids)
        if patches is not None:
            is_patch = patch_indices >= 0
            x[is_patch] += self.embed_vision_patch(patches)[patch_indices[is_patch]]
        return x

    def forward(self, input_ids, position_ids, padding_mask=None, past_key_values=None,
                patches=None, patch_indices=None):
        x = self.embed(input_ids, patches, patch_indices)
        q_len = input_ids.shape[1]
        past_len = 0 if past_key_values is None else past_key_values[0][0].shape[2]
        window = self.config.sliding_window
        if padding_mask is None and q_len == 1 and (window is None or past_len < window):
            mask = None  # one unpadded query sees the whole cache: nothing to mask
        else:
            mask = attention_mask_4d(padding_mask, q_len, past_len, window, x.dtype)
        cos, sin = self.rotary_emb(position_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, cos, sin, mask,
                               None if past_key_values is None else past_key_values[i])
            presents.append(present)
        return self.norm(x), presents


class SoloForCausalLM(nn.Module):
    def __init__(self, config, device=None):
        super().__init__()
        self.model = SoloModel(config, device)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False, device=device)

    def forward(self, input_ids, position_ids, padding_mask=None, past_key_values=None,
                patches=None, patch_indices=None, last_only=False):
        """-> logits [batch, seq or 1, vocab] (float32), new KV cache (one (k, v) per layer).

        last_only computes the head for the last position only, as HF generate does with
        logits_to_keep=1: a prefill needs one row of logits, not 1068 x 33031 of them.
        """
        hidden, presents = self.model(input_ids, position_ids, padding_mask, past_key_values,
                                      patches, patch_indices)
        if last_only:
            hidden = hidden[:, -1:]
        return self.lm_head(hidden).float(), presents


def build_empty_model(config):
    """The model with uninitialised float32 parameters: built on meta, then given CPU memory."""
    return SoloForCausalLM(config, device="meta").to_empty(device="cpu")


@torch.no_grad()
def init_weights(model, std=0.02):
    """HF's _init_weights for Mistral: linear and embedding weights N(0, std), norm weights 1."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.normal_(0.0, std)
        elif isinstance(module, RMSNorm):
            module.weight.fill_(1.0)


def load_model(checkpoint_dir):
    """Parses config.json and model.safetensors and returns an eval-mode model ready to run."""
    checkpoint_dir = Path(checkpoint_dir)
    config = SoloConfig.from_json(checkpoint_dir / "config.json")
    state = read_safetensors(checkpoint_dir / "model.safetensors")
    model = build_empty_model(config)
    model.load_state_dict(state, strict=True)
    return model.eval()


# ---------------------------------------------------------------------------------------------
# Image preprocessing (SPEC section 2, SOLO's image_utils.py).
# ---------------------------------------------------------------------------------------------

TO_NORMALIZED_TENSOR = transforms.Compose([
    transforms.ToTensor(), transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)])


def resized_size(width, height, patch=32, max_resolution=MAX_RESOLUTION):
    """(new_width, new_height): long side rounded up to a patch multiple (capped), short side in
    proportion, truncated then rounded up to a patch multiple; ties treat the width as long."""
    long, short = max(width, height), min(width, height)
    new_long = min(math.ceil(long / patch) * patch, max_resolution)
    new_short = math.ceil((new_long * short // long) / patch) * patch
    if new_short == 0:
        raise ValueError(f"image {width}x{height} is too thin to give one {patch}px patch row")
    return (new_long, new_short) if width >= height else (new_short, new_long)


def image_to_patches(image, patch=32):
    """RGB PIL image -> patches [rows * cols, 3 * patch * patch], row-major, each (c, y, x)."""
    width, height = resized_size(*image.size, patch)
    pixels = TO_NORMALIZED_TENSOR(transforms.Resize((height, width))(image))  # [3, H, W]
    rows, cols = height // patch, width // patch
    return (pixels.view(3, rows, patch, cols, patch)
            .permute(1, 3, 0, 2, 4)  # [rows, cols, 3, patch, patch]
            .reshape(rows * cols, 3 * patch * patch))


def load_rgb(path):
    with Image.open(path) as image:
        return image.convert("RGB")


def vision_tokens(width, height, patch=32):
    """The ids of an image: <vision>, rows of <vpatch> separated by <vrow_sep>, closing <vision>."""
    new_w, new_h = resized_size(width, height, patch)
    ids = [VISION_ID]
    for row in range(new_h // patch):
        if row:
            ids.append(VROW_SEP_ID)
        ids += [VPATCH_ID] * (new_w // patch)
    return ids + [VISION_ID]


# ---------------------------------------------------------------------------------------------
# Greedy generation with a KV cache, batched with left padding.
# ---------------------------------------------------------------------------------------------

def greedy_pick(logits):
    """logits [batch, 1, vocab] -> argmax ids [batch, 1], never a SOLO special id."""
    logits = logits[:, -1]
    logits[:, SUPPRESS_FROM:] = float("-inf")
    return logits.argmax(dim=-1, keepdim=True)


@torch.inference_mode()
def generate(model, prompts, new_tokens):
    """Greedy decoding of [(ids, RGB PIL image)], one row each; returns (tokens, times).

    tokens[b] are the new ids of prompt b; times[t] are seconds from the call (the images are
    already decoded) to the t-th new token, so times[0] is the time to first token including
    patching, embedding, prefill and argmax. Rows are left-padded; positions count real tokens
    only, so each row gives what it gives alone.
    """
    start = time.perf_counter()
    patch = model.model.config.vision_patch_size
    patches, index_rows = [], []
    offset = 0
    for ids, image in prompts:
        p = image_to_patches(image, patch)
        n_vpatch = sum(1 for t in ids if t == VPATCH_ID)
        if n_vpatch != p.shape[0]:
            raise ValueError(f"prompt has {n_vpatch} <vpatch> tokens but its "
                             f"{image.size[0]}x{image.size[1]} image gives {p.shape[0]} patches")
        k = iter(range(offset, offset + p.shape[0]))
        index_rows.append([next(k) if t == VPATCH_ID else -1 for t in ids])
        patches.append(p)
        offset += p.shape[0]

    batch, longest = len(prompts), max(len(ids) for ids, _ in prompts)
    input_ids = torch.full((batch, longest), PAD_ID, dtype=torch.long)
    patch_indices = torch.full((batch, longest), -1, dtype=torch.long)
    padding_mask = torch.zeros((batch, longest), dtype=torch.long)
    for b, ((ids, _), indices) in enumerate(zip(prompts, index_rows)):
        input_ids[b, longest - len(ids):] = torch.tensor(ids)
        patch_indices[b, longest - len(ids):] = torch.tensor(indices)
        padding_mask[b, longest - len(ids):] = 1
    # HF's position ids under left padding: count real tokens; padding gets a dummy 1.
    position_ids = (padding_mask.cumsum(-1) - 1).masked_fill(padding_mask == 0, 1)
    if batch == 1:
        padding_mask = None  # nothing is padded: plain causal attention

    logits, cache = model(input_ids, position_ids, padding_mask, None,
                          torch.cat(patches), patch_indices, last_only=True)
    next_ids = greedy_pick(logits)
    tokens, times = [next_ids], [time.perf_counter() - start]
    next_pos = position_ids[:, -1:] + 1
    for _ in range(new_tokens - 1):  # end-of-sequence does not stop us: fixed token count
        if padding_mask is not None:
            padding_mask = torch.cat((padding_mask, torch.ones((batch, 1), dtype=torch.long)), 1)
        logits, cache = model(next_ids, next_pos, padding_mask, cache, last_only=True)
        next_ids = greedy_pick(logits)
        tokens.append(next_ids)
        times.append(time.perf_counter() - start)
        next_pos = next_pos + 1
    return torch.cat(tokens, dim=1).tolist(), times


# ---------------------------------------------------------------------------------------------
# Measurements. Each returns (metrics, config name or None, tokens or None).
# ---------------------------------------------------------------------------------------------

def best_rate_over_windows(fn, windows, seconds):
    """Best calls-per-second of fn over `windows` windows of at least `seconds` each."""
    best = 0.0
    for _ in range(windows):
        count, start = 0, time.perf_counter()
        while True:
            fn()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = max(best, count / elapsed)
    return best


def measure_matmul(args):
    torch.manual_seed(1)
    metrics = {}
    for n in (1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(3):
            a @ b  # warm-up: BLAS thread pool and buffers
        rate = best_rate_over_windows(lambda: a @ b, windows=5, seconds=1.0)
        metrics[f"gflops_{n}"] = 2 * n ** 3 * rate / 1e9
        log(f"matmul n={n}: {metrics[f'gflops_{n}']:.1f} GFLOP/s")
    # Per-op overhead: a 1-element add is all dispatch, no arithmetic.
    x, y = torch.ones(1), torch.ones(1)
    iterations, best = 100_000, float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            x + y
        best = min(best, time.perf_counter() - start)
    metrics["add_us"] = best / iterations * 1e6
    return metrics, None, None


def measure_train(args):
    tokens, steps = args.tokens, args.steps
    if tokens % 512 or tokens <= 0:
        raise ValueError(f"--tokens must be a positive multiple of 512, got {tokens}")
    if steps < 2:
        raise ValueError(f"--steps must be at least 2 (step 1 is a warm-up), got {steps}")
    config = config_of(args)
    torch.manual_seed(1)
    model = build_empty_model(config)
    init_weights(model)
    model.train()
    # The packed row of T tokens holds T/512 independent examples; with attention and positions
    # confined to each example that is exactly a batch of T/512 rows of 512.
    examples = tokens // 512
    body = torch.randint(3, 32000, (examples, 510))
    ids = torch.cat((torch.full((examples, 1), BOS_ID), body, torch.full((examples, 1), EOS_ID)), 1)
    position_ids = torch.arange(512).expand(examples, 512)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), eps=1e-8,
                                  weight_decay=0.1)
    losses, seconds = [], []
    for step in range(steps):
        start = time.perf_counter()
        logits, _ = model(ids, position_ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, config.vocab_size),
                               ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        seconds.append(time.perf_counter() - start)
        losses.append(loss.item())
        log(f"train step {step + 1}/{steps}: loss {losses[-1]:.4f}, {seconds[-1]:.2f} s")
    timed = seconds[1:]
    return {"tokens_per_s": tokens * len(timed) / sum(timed), "step_s": statistics.mean(timed),
            "loss_first": losses[0], "loss_last": losses[-1]}, args.config, tokens


def measure_generate(args):
    torch.manual_seed(1)
    workdir = Path(args.workdir)
    prompt = json.loads((workdir / "prompt-1024.json").read_text())
    image = load_rgb(workdir / prompt["image"])
    model = load_model(workdir / config_of_name(args))
    new_tokens = 64
    runs = []
    for run in range(4):  # one warm-up, three timed
        tokens, times = generate(model, [(prompt["ids"], image)], new_tokens)
        runs.append((tokens[0], times))
        log(f"generate run {run}: ttft {times[0]:.3f} s, decode {times[-1] - times[0]:.3f} s")
    if any(tokens != runs[0][0] for tokens, _ in runs):
        raise RuntimeError("greedy generation gave different tokens across runs")
    ttft = statistics.median(times[0] for _, times in runs[1:])
    decode = statistics.median(times[-1] - times[0] for _, times in runs[1:])
    return {"ttft_s": ttft, "prefill_tokens_per_s": len(prompt["ids"]) / ttft,
            "decode_tokens_per_s": (new_tokens - 1) / decode,
            "first_ids": runs[0][0][:8]}, args.config, None


def measure_batch(args):
    torch.manual_seed(1)
    workdir = Path(args.workdir)
    requests = json.loads((workdir / "batch.json").read_text())["requests"]
    prompts = [(r["ids"], load_rgb(workdir / r["image"])) for r in requests]
    model = load_model(workdir / config_of_name(args))
    new_tokens = 32

    def batched():
        return generate(model, prompts, new_tokens)[0]

    def sequential():
        return [generate(model, [prompt], new_tokens)[0][0] for prompt in prompts]

    batched(), sequential()  # warm-up of each
    start = time.perf_counter()
    batched_ids = batched()
    batched_s = time.perf_counter() - start
    start = time.perf_counter()
    sequential_ids = sequential()
    sequential_s = time.perf_counter() - start
    for b, (x, y) in enumerate(zip(batched_ids, sequential_ids)):
        if x != y:
            first = next(i for i, (p, q) in enumerate(zip(x, y)) if p != q)
            log(f"request {b}: batched ids differ from sequential from new token {first}: "
                f"{x} vs {y}")
    log(f"batch: batched {batched_s:.3f} s, sequential {sequential_s:.3f} s")
    total = len(prompts) * new_tokens
    return {"batched_tokens_per_s": total / batched_s,
            "sequential_tokens_per_s": total / sequential_s,
            "speedup": sequential_s / batched_s,
            "batched_equals_sequential": batched_ids == sequential_ids}, args.config, None


def measure_preprocess(args):
    paths = sorted(Path(args.workdir, "jpeg").glob("*.jpg"))
    if not paths:
        raise ValueError(f"no *.jpg in {Path(args.workdir, 'jpeg')}")

    def one(path):
        return image_to_patches(load_rgb(path))  # decode, RGB, resize, normalise, patch

    for path in paths:  # warm-up pass
        one(path)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        one(paths[count % len(paths)])
        count += 1
    return {"images_per_s": count / (time.perf_counter() - start)}, None, None


def measure_load(args):
    checkpoint = Path(args.workdir) / (args.config or "medium")
    file_bytes = (checkpoint / "model.safetensors").stat().st_size
    best = float("inf")
    for attempt in range(3):
        model = None  # free the previous copy first, as a fresh process would not have it
        start = time.perf_counter()
        model = load_model(checkpoint)
        best = min(best, time.perf_counter() - start)
        log(f"load {attempt + 1}/3: {time.perf_counter() - start:.3f} s")
    with torch.inference_mode():  # prove it runs (untimed)
        logits, _ = model(torch.tensor([[BOS_ID, 851, 349, 264]]), torch.arange(4)[None])
    if not torch.isfinite(logits).all():
        raise RuntimeError("loaded model gives non-finite logits")
    return {"seconds": best, "gb_per_s": file_bytes / best / 1e9}, args.config or "medium", None


def config_of_name(args):
    if args.config not in BENCH_CONFIGS:
        raise ValueError(f"--config small|medium is required for {args.measure}")
    return args.config


def config_of(args):
    """The config of the workdir's checkpoint when there is one, else the protocol's table."""
    path = Path(args.workdir or ".") / config_of_name(args) / "config.json"
    return SoloConfig.from_json(path) if path.exists() else BENCH_CONFIGS[args.config]


# ---------------------------------------------------------------------------------------------
# Runtime: threads (torch's and OpenBLAS's) and what the result line reports about them.
# ---------------------------------------------------------------------------------------------

def loaded_openblas():
    """ctypes handle of the OpenBLAS that torch has loaded, or None."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libopenblas" in line:
                lib = ctypes.CDLL(line.split()[-1])
                lib.openblas_get_config.restype = ctypes.c_char_p
                return lib
    return None


def set_threads(threads):
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    # Debian's torch calls BLAS through libblas.so.3 (OpenBLAS here), whose own thread pool
    # torch.set_num_threads does not reach; without this every sgemm would use all cores.
    openblas = loaded_openblas()
    if openblas is not None:
        openblas.openblas_set_num_threads(threads)


def runtime_info():
    build = torch.__config__.show()
    blas_info = re.search(r"BLAS_INFO=(\w+)", build)
    blas_info = blas_info.group(1) if blas_info else "unknown"
    openblas = loaded_openblas()
    if openblas is not None:
        blas = "openblas"
        blas_detail = (f"{openblas.openblas_get_config().decode()}, "
                       f"{openblas.openblas_get_num_threads()} threads")
    else:
        blas = "mkl" if blas_info == "mkl" else blas_info
        blas_detail = blas_info
    package = re.search(r"pytorch-([0-9][\w.+~]*)", build)  # Debian's build path names the source
    parallel = torch.__config__.parallel_info()
    backend = re.search(r"ATen parallel backend: (\S+)", parallel)
    return {
        "torch": torch.__version__, "torch_source": package.group(1) if package else None,
        "torchvision": torchvision.__version__, "python": platform.python_version(),
        "blas": blas, "blas_detail": f"{blas_detail} (torch build BLAS_INFO={blas_info})",
        "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "parallel": f"{backend.group(1) if backend else 'unknown'}, intra-op "
                    f"{torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}",
    }


# ---------------------------------------------------------------------------------------------
# Development subcommands: a test workdir and a check against the golden fixture.
# ---------------------------------------------------------------------------------------------

def synthetic_image(width, height, seed):
    """A photo-like RGB image: smooth gradients and blobs plus mild noise (not pure noise, which
    would make JPEG decoding unrealistically slow)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    channels = []
    for c in range(3):
        fx, fy, phase = rng.uniform(1, 6, 2).tolist() + [rng.uniform(0, 2 * np.pi)]
        v = 0.5 + 0.25 * np.sin(2 * np.pi * (fx * x / width + fy * y / height) + phase)
        v += 0.2 * (x / width if c == 0 else y / height if c == 1 else 1 - x / width)
        channels.append(v)
    img = np.stack(channels, -1) + rng.normal(0, 0.03, (height, width, 3))
    return Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8), "RGB")


def make_workdir(workdir):
    workdir = Path(workdir)
    (workdir / "jpeg").mkdir(parents=True, exist_ok=True)
    for name, config in BENCH_CONFIGS.items():
        (workdir / name).mkdir(exist_ok=True)
        (workdir / name / "config.json").write_text(json.dumps(config.to_json(), indent=2))
        torch.manual_seed(1)
        model = build_empty_model(config)
        init_weights(model)
        write_safetensors(workdir / name / "model.safetensors", model.state_dict())
        log(f"wrote {workdir / name}")
        del model
    rng = np.random.default_rng(1)

    def text_ids(n):
        return rng.integers(3, 32000, n).tolist()

    synthetic_image(1024, 1024, seed=0).save(workdir / "image-1024.png")
    ids = vision_tokens(1024, 1024) + [BOS_ID] + text_ids(10)
    assert len(ids) == 1068
    (workdir / "prompt-1024.json").write_text(json.dumps({"ids": ids, "image": "image-1024.png"}))
    sizes = [(256, 256), (320, 256), (256, 320), (384, 256), (256, 384), (448, 320), (320, 448),
             (512, 384)]
    text_lengths = [3, 12, 5, 9, 4, 11, 7, 10]
    requests = []
    for i, ((w, h), n) in enumerate(zip(sizes, text_lengths)):
        synthetic_image(w, h, seed=10 + i).save(workdir / f"batch-{i}.png")
        requests.append({"ids": vision_tokens(w, h) + [BOS_ID] + text_ids(n),
                         "image": f"batch-{i}.png"})
    (workdir / "batch.json").write_text(json.dumps({"requests": requests}))
    for i in range(20):
        synthetic_image(1024, 768, seed=100 + i).save(workdir / "jpeg" / f"{i:02d}.jpg", quality=90)
    log(f"wrote {workdir}")


def check_fixture(directory):
    """Compares patches, logits and greedy tokens with the golden fixture; raises on a mismatch."""
    directory = Path(directory)
    expected = read_safetensors(directory / "expected.safetensors")
    info = json.loads((directory / "expected.json").read_text())
    model = load_model(directory)
    patch = model.model.config.vision_patch_size
    patches = image_to_patches(load_rgb(directory / "image.png"), patch)
    patch_err = (patches - expected["vision_patches"]).abs().max().item()
    ids, indices = expected["input_ids"], expected["vision_patch_indices"]
    with torch.inference_mode():
        logits, _ = model(ids, torch.arange(ids.shape[1])[None], None, None,
                          expected["vision_patches"], indices)
    logits_err = (logits - expected["logits"]).abs().max().item()
    # Greedy with the KV cache, from the fixture's own patches (no suppression: the fixture's
    # special ids sit inside its tiny vocabulary).
    with torch.inference_mode():
        step_logits, cache = model(ids, torch.arange(ids.shape[1])[None], None, None,
                                   expected["vision_patches"], indices, last_only=True)
        greedy, pos = [], ids.shape[1]
        for _ in range(len(info["greedy_tokens"])):
            next_id = step_logits[:, -1].argmax(-1, keepdim=True)
            greedy.append(int(next_id))
            step_logits, cache = model(next_id, torch.tensor([[pos]]), None, cache, last_only=True)
            pos += 1
    log(f"fixture: patches max err {patch_err:.2e}, logits max err {logits_err:.2e}, "
        f"greedy {greedy} vs {info['greedy_tokens']}")
    if patch_err > 2e-2 or logits_err > 1e-4 or greedy != info["greedy_tokens"]:
        raise RuntimeError("the peer's model does not match the golden fixture")
    print("fixture OK")


# ---------------------------------------------------------------------------------------------

MEASURES = {"matmul": measure_matmul, "train": measure_train, "generate": measure_generate,
            "batch": measure_batch, "preprocess": measure_preprocess, "load": measure_load}


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Python peer of `solo bench` (bench/PROTOCOL.md).")
    parser.add_argument("measure", choices=MEASURES)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--config", choices=sorted(BENCH_CONFIGS))
    parser.add_argument("--tokens", type=int, default=2048, help="train: packed row length")
    parser.add_argument("--steps", type=int, default=3, help="train: steps, the first a warm-up")
    parser.add_argument("--seconds", type=float, default=5.0, help="preprocess: timed seconds")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


def main(argv):
    if argv[:1] == ["make-workdir"] and len(argv) == 2:
        set_threads(os.cpu_count())
        make_workdir(argv[1])
        return
    if argv[:1] == ["check-fixture"]:
        default = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "solo-tiny"
        check_fixture(argv[1] if len(argv) > 1 else default)
        return
    args = parse_args(argv)
    threads = 1 if args.measure == "preprocess" else args.threads  # preprocess is one thread
    set_threads(threads)
    metrics, config, tokens = MEASURES[args.measure](args)
    result = {
        "side": "python", "measure": args.measure, "config": config, "tokens": tokens,
        "threads": threads, "metrics": metrics,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_heap_mib": None, "runtime": runtime_info(),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as error:  # one clear line, then a non-zero exit for the orchestrator
        traceback.print_exc(file=sys.stderr)
        print(f"peer.py: error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
