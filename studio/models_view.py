"""The models the studio writes with: one gateway per process built from the LiteLLM YAML, kept
in use until a reload succeeds. A reload reads the file again without restarting the server; a
file that does not load (a YAML syntax error, an unknown field) leaves the old configuration in
use and its error is shown."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from ragcore.errors import RagcoreError


@dataclass
class LoadedModels:
    path: str | None
    gateway: Any = None  # ragcore.llm.Gateway (LiteLLM loads in seconds: imported when built)
    mtime: float = 0.0
    error: str = ""  # the last reload's failure, in plain words ("" when it loaded)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _loaded(path: str | None, default_model: str) -> LoadedModels:
    return LoadedModels(path)


def _mtime(path: str | None) -> float:
    try:
        return Path(path).stat().st_mtime if path else 0.0
    except OSError:
        return 0.0


def _build(path: str | None, default_model: str) -> Any:
    from ragcore.llm import Gateway, load_llm_config

    return Gateway(load_llm_config(Path(path) if path else None), default_model=default_model)


def reload_models(path: str | None, default_model: str) -> LoadedModels:
    """Read the YAML again; on failure keep the gateway in use and remember the error."""
    loaded = _loaded(path, default_model)
    with loaded.lock:
        mtime = _mtime(path)
        try:
            gateway = _build(path, default_model)
        except RagcoreError as error:
            loaded.error = str(error)
            loaded.mtime = mtime  # this version of the file is known bad: not retried each run
            return loaded
        if loaded.gateway is not None:
            loaded.gateway.close()
        loaded.gateway, loaded.mtime, loaded.error = gateway, mtime, ""
    return loaded


def loaded_models(path: str | None, default_model: str) -> LoadedModels:
    """The gateway in use; the file is read again when it changed since it was last read."""
    loaded = _loaded(path, default_model)
    if loaded.gateway is None or _mtime(path) != loaded.mtime:
        loaded = reload_models(path, default_model)
    return loaded


# -- the page's pieces -------------------------------------------------------------------------------
def _t(zh: str, en: str) -> str:
    from studio.common import t

    return t(zh, en)


def key_word(key: str) -> str:
    """ragcore.llm.health's key state ("NAME set", "NAME missing", "not needed", ...) in words."""
    name, _, state = key.rpartition(" ")
    if state == "set":
        return _t(f"已设置 {name}", f"{name} set")
    if state == "missing":
        return _t(f"缺少 {name}", f"{name} missing")
    return {
        "not needed": _t("不需要", "not needed"),
        "none configured": _t("未配置", "none configured"),
    }.get(key, key)


def reach_word(reachable: str) -> str:
    if reachable == "built in":
        return _t("内置", "built in")
    if reachable == "not checked":
        return _t("未检查", "not checked")
    if reachable.startswith("yes, but the key was refused"):
        return (
            _t("可连接，但密钥被拒绝", "reachable, but the key was refused")
            + reachable[reachable.index("(") :]
        )
    if reachable.startswith("yes"):
        return _t("可连接 ", "reachable ") + reachable.removeprefix("yes").strip()
    return _t("无法连接：", "not reachable: ") + reachable.removeprefix("no:").strip()


def missing_key_message(name: str, key_env: str) -> str:
    return _t(
        f"模型 {name} 需要环境变量 {key_env}（API 密钥），但它没有设置：在启动 studio 的终端里 export {key_env}=…，然后重新加载。"
        "本地服务器（Ollama、vLLM）不需要真密钥：在 YAML 中写 api_key: none。",
        f"Model {name} needs the environment variable {key_env} (its API key), which is not set: "
        f"export {key_env}=… in the terminal that starts the studio, then reload. A local server "
        "(Ollama, vLLM) needs no real key: write api_key: none in the YAML.",
    )
