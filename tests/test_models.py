"""Vosk model management and the Vosk engine: resolution, a checked download, safe unzip, errors."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli


def fake_model(folder: Path, small: bool = True) -> Path:
    """The folder layout of a Vosk model (not a working model)."""
    (folder / "am").mkdir(parents=True)
    (folder / "am" / "final.mdl").write_bytes(b"x")
    (folder / "conf").mkdir()
    (folder / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    (folder / "graph").mkdir()
    for name in (("HCLr.fst", "Gr.fst") if small else ("HCLG.fst",)):
        (folder / "graph" / name).write_bytes(b"x")
    return folder


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def serve(tmp_path):
    """Serve files from a folder over loopback; returns (folder, base URL)."""
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


MODEL_ZIP = {"vosk-model-tiny/am/final.mdl": b"x", "vosk-model-tiny/conf/model.conf": b"c",
             "vosk-model-tiny/graph/HCLr.fst": b"x", "vosk-model-tiny/graph/Gr.fst": b"x"}


def test_download_checks_the_checksum_and_installs(serve, tmp_path):
    from voice_triage.voice.models import download_model, is_model

    folder, base = serve
    data = zip_bytes(MODEL_ZIP)
    (folder / "model.zip").write_bytes(data)
    out = io.StringIO()
    path = download_model(f"{base}/model.zip", hashlib.sha256(data).hexdigest(), tmp_path / "models", out)
    assert path == tmp_path / "models" / "vosk-model-tiny" and is_model(path)
    assert "MB" in out.getvalue()  # a progress bar was drawn
    assert not [p for p in (tmp_path / "models").iterdir() if p.name.startswith(".download")]


@pytest.mark.parametrize("case,entries,expected", [
    ("bad checksum", MODEL_ZIP, "checksum mismatch"),
    ("path outside", {"../../evil.txt": b"x", **MODEL_ZIP}, "outside its folder"),
    ("absolute path", {"/tmp/evil.txt": b"x", **MODEL_ZIP}, "outside its folder"),
    ("no model", {"readme.txt": b"x"}, "no Vosk model"),
])
def test_download_refuses_bad_archives(serve, tmp_path, case, entries, expected):
    from voice_triage.voice.asr import SpeechError
    from voice_triage.voice.models import download_model

    folder, base = serve
    data = zip_bytes(entries)
    (folder / "model.zip").write_bytes(data)
    checksum = "0" * 64 if case == "bad checksum" else hashlib.sha256(data).hexdigest()
    with pytest.raises(SpeechError, match=expected):
        download_model(f"{base}/model.zip", checksum, tmp_path / "models", io.StringIO())
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    assert not [p for p in (tmp_path / "models").iterdir() if not p.name.startswith(".")]


def test_download_of_a_corrupt_zip(serve, tmp_path):
    from voice_triage.voice.asr import SpeechError
    from voice_triage.voice.models import download_model

    folder, base = serve
    (folder / "model.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    checksum = hashlib.sha256(b"PK\x03\x04 this is not really a zip").hexdigest()
    with pytest.raises(SpeechError, match="not a valid zip"):
        download_model(f"{base}/model.zip", checksum, tmp_path / "models", io.StringIO())


def test_download_offline_is_a_clear_error(tmp_path, cache_env):
    # port 9 on loopback: nothing listens there, as when the network is away
    env = dict(cache_env, XDG_DATA_HOME=str(tmp_path))
    result = run_cli(["model", "download", "--url", "http://127.0.0.1:9/model.zip"], env)
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "offline" in message and "Traceback" not in message


def test_resolution_order(tmp_path, monkeypatch):
    from voice_triage.voice import models

    explicit = fake_model(tmp_path / "explicit")
    from_env = fake_model(tmp_path / "env")
    user = fake_model(tmp_path / "data" / "voice-triage" / "models" / "user-model")
    monkeypatch.setattr(models, "REPO_MODELS", tmp_path / "repo-models")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv(models.MODEL_ENV, str(from_env))
    assert models.resolve_model(str(explicit)) == explicit
    assert models.resolve_model() == from_env
    monkeypatch.delenv(models.MODEL_ENV)
    repo = fake_model(tmp_path / "repo-models" / "repo-model")
    assert models.resolve_model() == repo
    (repo / "am" / "final.mdl").unlink()
    assert models.resolve_model() == user
    with pytest.raises(models.SpeechError, match="not a Vosk model"):
        models.resolve_model(str(tmp_path / "nothing-here"))


def test_model_list_command(tmp_path, cache_env):
    env = dict(cache_env, XDG_DATA_HOME=str(tmp_path))
    env.pop("VOICE_TRIAGE_MODEL", None)
    fake_model(tmp_path / "voice-triage" / "models" / "vosk-model-small-en-us-0.15")
    result = run_cli(["model", "list"], env)
    assert result.returncode == 0
    assert "vosk-model-small-en-us-0.15" in result.stdout.decode() and "user data folder" in result.stdout.decode()


def test_vosk_grammar_is_built_from_the_intents(brain):
    from voice_triage.voice.start import vocabulary
    from voice_triage.voice.vosk_asr import build_grammar

    known = {"tingling", "top", "foot", "no", "yes", "bladder"}
    grammar = build_grammar(vocabulary(brain), lambda w: w in known | {"[unk]"})
    assert grammar == sorted(known) + ["[unk]"]
    # a model without "[unk]" (the small Korean one) gets none: Vosk would drop it with a warning
    assert build_grammar(vocabulary(brain), lambda w: w in known) == sorted(known)


def test_vosk_with_a_broken_model_is_a_clear_error(tmp_path, brain):
    from voice_triage.voice.asr import SpeechError
    from voice_triage.voice.start import recognizer_for

    model = fake_model(tmp_path / "broken")  # the layout, but no real model inside
    with pytest.raises(SpeechError, match="could not be loaded"):
        recognizer_for(brain, "vosk", str(model))


def test_asking_for_vosk_without_a_model_is_a_clear_error(tmp_path, cache_env):
    env = dict(cache_env, XDG_DATA_HOME=str(tmp_path))
    env.pop("VOICE_TRIAGE_MODEL", None)
    result = run_cli(["assess", "--json", "--asr", "vosk", "--audio", str(FIXTURES / "speech" / "yn_no.wav")], env)
    assert result.returncode == 2 and "model download" in result.stderr.decode()


def test_hclg_model_is_refused_in_grammar_mode(tmp_path):
    from voice_triage.voice.vosk_asr import has_runtime_grammar

    assert has_runtime_grammar(fake_model(tmp_path / "small"))
    assert not has_runtime_grammar(fake_model(tmp_path / "big", small=False))


VOSK_MODEL = os.environ.get("VOICE_TRIAGE_MODEL")


@pytest.mark.skipif(not VOSK_MODEL, reason="no Vosk model installed: set VOICE_TRIAGE_MODEL to a model folder "
                    "(`voice-triage model download`) to run the real-Vosk tests")
@pytest.mark.parametrize("mode", ["grammar", "open"])
def test_real_vosk_model_understands_speech(brain, mode):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.start import recognizer_for

    recognizer = recognizer_for(brain, "vosk", VOSK_MODEL, mode)
    transcript = transcribe(recognizer, wav_chunks(read_wav(FIXTURES / "speech" / "rf_bladder.wav")))
    facts: dict = {}
    brain.read(facts, transcript.text)
    assert facts.get("bladder_bowel") is True, transcript
    assert 0.0 <= transcript.confidence <= 1.0
