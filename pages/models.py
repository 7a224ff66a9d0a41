"""Models: the models of the LiteLLM YAML with their health (key present, server reachable),
which one is the default, reload the YAML without restarting, and a plain message for a missing
key. A YAML that does not load keeps the previous configuration in use."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from ragcore.llm.health import check_models
from studio.common import begin_page, current_project_id, gateway, projects, settings, t
from studio.models_view import key_word, missing_key_message, reach_word, reload_models

begin_page("模型", "Models", "🤖")
current = settings()
path = str(current.llm_config) if current.llm_config else None
st.caption(
    (t("配置文件：", "Configuration file: ") + f"`{path}`") if path else t(
        "没有配置文件：只有离线模型。把 LiteLLM YAML 放在 RAGCORE_HOME/llm.yaml，或设置 RAGCORE_LLM_CONFIG。",
        "No configuration file: the offline model only. Put a LiteLLM YAML at RAGCORE_HOME/llm.yaml "
        "or set RAGCORE_LLM_CONFIG.")
)  # fmt: skip
if st.button(t("重新加载配置", "Reload the configuration"), key="models_reload"):
    loaded = reload_models(path, current.model)
    if not loaded.error:
        st.success(t("已重新加载。", "Reloaded."))
in_use = gateway()  # shows the last reload's error, the previous configuration staying in use
st.markdown(t("默认模型：", "Default model: ") + f"`{in_use.default_model}`")

network = st.toggle(
    t("检查服务器是否可连接", "Check that the servers answer"), key="models_network"
)
checks = check_models(in_use.config, network=network)
project_id = current_project_id()
project_model = projects().get(project_id).model if project_id else None
table = pd.DataFrame(
    {
        t("模型", "Model"): [c.name for c in checks],
        t("LiteLLM 模型", "LiteLLM model"): [c.model for c in checks],
        t("服务器", "Server"): [c.api_base or "—" for c in checks],
        t("密钥", "Key"): [key_word(c.key) for c in checks],
        t("可连接", "Reachable"): [reach_word(c.reachable) for c in checks],
        t("默认", "Default"): [
            ("⭐ " + t("默认", "default") if c.name == in_use.default_model else "")
            + (" · " + t("本项目", "this project") if c.name == project_model else "")
            for c in checks
        ],
    }
)
st.dataframe(table, hide_index=True, width="stretch", key="models_table")
for entry in in_use.config.entries:
    if entry.key_env and entry.key_env not in os.environ:
        st.warning(missing_key_message(entry.name, entry.key_env))
if project_model and project_model not in in_use.models:
    st.error(
        t(f"当前项目的模型 {project_model!r} 不在配置中：在「草稿」页另选一个。",
          f"The current project's model {project_model!r} is not in the configuration: choose another on Draft.")
    )  # fmt: skip
