"""Vosk models: where to find one, and a safe, checked download."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .asr import SpeechError

MODEL_ENV = "VOICE_TRIAGE_MODEL"
SMALL_EN_US = "vosk-model-small-en-us-0.15"
SMALL_EN_US_URL = f"https://alphacephei.com/vosk/models/{SMALL_EN_US}.zip"
SMALL_EN_US_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
"""Published alike by independent install scripts (VOICE.md)."""
REPO_MODELS = Path(__file__).resolve().parents[2] / "models"


@dataclass(frozen=True)
class FoundModel:
    """A model folder and where it came from."""

    path: Path
    """The model folder."""
    origin: str
    """--model, $VOICE_TRIAGE_MODEL, models/ or the user data folder."""


def user_model_dir() -> Path:
    """$XDG_DATA_HOME/voice-triage/models (~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "voice-triage" / "models"


def is_model(path: Path) -> bool:
    """A Vosk model folder has an acoustic model and a config."""
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


def _models_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and is_model(p))


def find_models(explicit: str | None = None) -> list[FoundModel]:
    """Every model in resolution order: --model, $VOICE_TRIAGE_MODEL, models/, the user data folder."""
    found = []
    for origin, value in (("--model", explicit), (f"${MODEL_ENV}", os.environ.get(MODEL_ENV))):
        if value:
            found.append(FoundModel(Path(value), origin))
    found += [FoundModel(p, "models/") for p in _models_in(REPO_MODELS)]
    found += [FoundModel(p, "user data folder") for p in _models_in(user_model_dir())]
    return found


def resolve_model(explicit: str | None = None) -> Path | None:
    """The model to use; an explicitly named one that is not a model is an error, not a fallback."""
    for candidate in find_models(explicit):
        if candidate.origin in ("--model", f"${MODEL_ENV}") and not is_model(candidate.path):
            raise SpeechError(f"{candidate.origin} points to {candidate.path}, which is not a Vosk model folder")
        return candidate.path
    return None


def _progress(done: int, total: int | None, out: TextIO) -> None:
    if total:
        filled = int(30 * done / total)
        out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done / 1e6:5.1f}/{total / 1e6:.1f} MB")
    else:
        out.write(f"\r{done / 1e6:5.1f} MB")
    out.flush()


def safe_extract(archive: zipfile.ZipFile, target: Path) -> None:
    """Unzip, refusing any entry that would land outside `target` or is a link."""
    root = target.resolve()
    for info in archive.infolist():
        destination = (target / info.filename).resolve()
        if destination != root and root not in destination.parents:
            raise SpeechError(f"the archive tries to write outside its folder ({info.filename}); refused")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise SpeechError(f"the archive contains a link ({info.filename}); refused")
    archive.extractall(target)


def download_model(url: str = SMALL_EN_US_URL, sha256: str = SMALL_EN_US_SHA256, target: Path | None = None,
                   out: TextIO = sys.stderr, timeout: float = 30.0) -> Path:
    """Download, verify and unpack a model into the user data folder; returns its folder."""
    target = target or user_model_dir()
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(dir=target, prefix=".download-") as work:
        archive_path = Path(work) / "model.zip"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, archive_path.open("wb") as handle:
                total = int(response.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := response.read(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    _progress(done, total, out)
            out.write("\n")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SpeechError(f"could not download {url} ({reason}); are you offline?") from None
        if digest.hexdigest() != sha256:
            raise SpeechError(f"checksum mismatch for {url}: expected {sha256}, got {digest.hexdigest()}; "
                              "the file was not installed")
        unpacked = Path(work) / "unpacked"
        try:
            with zipfile.ZipFile(archive_path) as archive:
                safe_extract(archive, unpacked)
        except zipfile.BadZipFile:
            raise SpeechError(f"{url} is not a valid zip archive") from None
        models = [p for p in [unpacked, *unpacked.iterdir()] if p.is_dir() and is_model(p)]
        if not models:
            raise SpeechError("the archive holds no Vosk model (no am/final.mdl and conf/model.conf)")
        name = models[0].name if models[0] != unpacked else Path(url).stem
        final = target / name
        if final.exists():
            shutil.rmtree(final)
        models[0].rename(final)
    return final
