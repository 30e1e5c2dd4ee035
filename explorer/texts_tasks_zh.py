"""简体中文 for explorer/texts_tasks.py, key for key (tests/test_i18n.py checks)."""

TASK_TEXTS_ZH: dict[str, str] = {
    "task.series": "你自己的序列（CSV 或粘贴的数字）",
    "task.digits": "手写数字，逐行读取",
    "task.chars": "字符（文本生成）",
    "label.data": "数据",
    "label.column": "列",
    "field.data": (
        "序列任务和字符任务的数据：在本应用中上传的文件或在命令行用 --data 指定的文件的内容键"
        "（sha256:...）；留空 = 内置的示例序列或文本"
    ),
    "field.column": (
        "序列任务要学习的 CSV 列（留空 = 最可能的预测目标：名称类似 close、adj close、price、"
        "value 或 target 的列，否则为最后一个数值列）"
    ),
    "baseline.series": "预测训练集均值",
    "baseline.series_persistence": "预测上一个值（持续性）",
    "baseline.series_stronger": "{strong}，较强的基线；{weak} 的得分为 {value}",
    "baseline.digits": "总是预测训练集中各类的频率",
    "baseline.chars": "单字符频率",
    "loss.title.mse": "损失（均方误差，归一化单位）",
    "loss.title.ce": "损失（交叉熵，奈特）",
    "loss.title.bits": "损失（每字符比特数）",
    "loss.axis.bits": "每字符比特数",
    "accuracy.title": "准确率",
    "accuracy.axis": "准确率",
    "accuracy.train": "训练（批次）",
    "accuracy.val": "验证",
    "accuracy.baseline": "多数类（{value:.1%}）",
    "metric.val_accuracy": "验证准确率",
    "metric.baseline_accuracy": "多数类准确率",
    "metric.bits": "验证每字符比特数",
    "metric.rmse": "验证均方根误差（{column}）",
    "metric.persistence_rmse": "持续性均方根误差",
    "metric.mean_rmse": "训练均值均方根误差",
    "help.baseline.series": (
        "两个基线中较强（较低）的一个，与模型同样计分（同一批验证窗口上的均方误差，归一化单位）："
        "预测每个窗口的最后一个值（持续性，“明天 = 今天”）：{persistence:.4g}；"
        "预测训练集均值：{mean:.4g}。"
    ),
    "help.persistence_rmse": (
        "把每个验证值预测为它前一个值（“明天 = 今天”），用该列自己的单位，与模型使用同一批窗口。"
        "对价格来说，这才是要打败的基线。"
    ),
    "help.mean_rmse": "始终预测训练部分的均值，用该列自己的单位，在同一批验证窗口上计算。",
    "help.baseline.digits": "除了每个数字在训练集中出现的频率之外什么都没学会的模型的交叉熵。",
    "help.baseline.chars": (
        "只知道每个字符在训练文本中出现频率（单字符频率）、不知道顺序的模型的每字符比特数。"
    ),
    "help.rmse": "验证均方误差的平方根，换算回该列自己的单位：典型的单步误差。",
    "data.expander": "数据",
    "data.current": "正在使用 **{name}**",
    "data.example_name": "示例序列（一段合成的股价，500 个交易日）",
    "data.builtin_text_name": "内置文本（scikit-learn 的数据集说明，{chars:,} 个字符）",
    "data.upload_csv": "上传 CSV",
    "data.upload_csv_help": (
        "CSV（逗号、分号或制表符分隔；表头可有可无）或由数字组成的文本文件，UTF-8 编码，"
        "不超过 {limit} 和 {rows:,} 行。每一行是一个时间步；在下方选择列。"
        "缺失值会被拒绝，而不是被悄悄填补。"
    ),
    "data.upload_text": "上传文本文件",
    "data.upload_text_help": (
        "纯文本，UTF-8 编码，{minimum:,} 个字符到 {limit}。最常见的 {vocab} 个字符组成字母表；"
        "更少见的字符变成 {unknown}。"
    ),
    "data.paste": "……或粘贴数字",
    "data.paste_help": "按时间顺序排列、用逗号、分号、空格或换行分隔的数字，至少 {minimum} 个。",
    "data.paste_button": "使用这些数字",
    "data.column": "列",
    "data.column_help": "要提前一步预测的数值列。",
    "data.example_button": "试试示例",
    "data.example_help": "随应用附带的一段合成的、类似股价的序列。",
    "data.builtin_text_button": "使用内置文本",
    "data.accepted": "已载入 {name}：{detail}",
    "data.detail.series": "{rows:,} 行，数值列：{columns}。",
    "data.detail.formats": "数字的读法：{formats}。",
    "data.format.decimal_comma": "小数逗号（{columns}）",
    "data.format.thousands_comma": "“,” 作千位分隔符（{columns}）",
    "data.format.thousands_point": "“.” 作千位分隔符、逗号作小数点（{columns}）",
    "data.detail.dates": "日期取自列 {column!r}（{first} 至 {last}）。",
    "data.detail.newest_first": "文件把最新的日期排在最前：各行已按时间顺序重排。",
    "data.column_refused": "列 {column!r} 无法使用：{reason} 仍在使用 {kept!r}。",
    "data.dropzone": "每个文件不超过 {limit} • {types}",
    "data.dropzone_button": "上传",
    "data.detail.text": "{chars:,} 个字符，其中 {vocab} 个不同",
    "data.refused": "拒绝了 {name}：{reason}",
    "data.pasted_name": "粘贴的数字",
    "data.url_unknown": (
        "这个链接指向上传到另一个会话的数据（data={key}）；请重新上传。"
        "在此之前使用内置的{fallback}。"
    ),
    "data.fallback.series": "示例序列",
    "data.fallback.chars": "文本",
    "data.invalid": "这些数据与当前设置不符：{reason}仍使用上一组有效设置。",
    "series.header": "数据",
    "series.windowing": (
        "**分窗。** *{name}* 的 **{column}** 列：{n_values:,} 个值。每 **{window}** 个连续值"
        "组成一个窗口，预测下一个值：共 **{n_windows:,}** 个窗口，前 **{n_train:,}** 个（80%）"
        "用于训练，后 **{n_val:,}** 个用于验证，按时间顺序划分（训练中不会泄漏未来的信息）。"
    ),
    "series.normalisation": (
        "**归一化。** 网络看到的是 z = (值 − {mean:.6g}) / {std:.6g}：只用训练部分的均值和标准差。"
        "损失以这种归一化单位计；下面的预测已换算回该列自己的单位。"
    ),
    "series.pred_title": "预测与真实值（{column}，原始单位）",
    "series.pred_axis_x": "序列中的行",
    "series.pred_axis_date": "日期",
    "series.persistence": "持续性（前一个值）",
    "series.mean": "训练均值（{value:.4g}）",
    "series.dates": "**时间轴。** 日期取自列 **{column}**，从 {first} 到 {last}；划分点在 {split}。{order}",
    "series.verdict_beats": (
        "**与基线比较。** 模型的验证均方误差 {model:.4g} 比较强的基线——{name}（{baseline:.4g}）"
        "——好 {gain:.0%}。"
    ),
    "series.verdict_loses": (
        "**与基线比较。** 模型的验证均方误差 {model:.4g} 没有打败较强的基线——{name}"
        "（{baseline:.4g}）：差 {loss:.0%}。看起来像是把真实值平移一步的预测线，就是这个基线。"
    ),
    "series.truth": "真实值",
    "series.one_step": "提前一步预测",
    "series.free": "训练部分之后自由运行",
    "series.train_part": "训练部分",
    "series.help": (
        "灰色：该列的值。蓝色：每个值都由它之前真实的窗口预测。绿色点线：持续性，把每个值预测为"
        "它前一个值（价格上要打败的基线；蓝线若与它重合，说明模型没有学到更多）。虚线：训练均值。"
        "红色虚线：从训练部分的末尾起，模型只以自己的输出为输入；随机游走无法预测太远，所以它会漂移。"
    ),
    "digits.help.accuracy": (
        "分类正确的数字所占的比例：每个训练批次上的，以及固定验证集上的"
        "（scikit-learn 的 1797 个数字中的 20%，按类分层抽取）。虚线是多数类所占的比例。"
    ),
    "digits.pca_title": "按类别着色的隐藏状态轨迹（主成分分析）",
    "digits.class": "数字 {label}",
    "digits.row_axis": "图像的行 t（损失在最后一行）",
    "digits.help.pca": (
        "每条线是一个逐行读取的数字（每类三个），按真实类别着色，投影到所有状态的主成分上。"
        "大圆点是最后一行的状态，分类器读取的就是它：训练好的网络会在那里把各类分开。"
    ),
    "digits.caption": "每类 {per_class} 个验证数字，每个 8 行、每行 8 个像素。",
    "chars.sample_header": "生成的文本",
    "chars.temperature": "温度",
    "chars.temperature_help": (
        "在 softmax 之前把 logits 除以它。接近 0 时，模型总是选最可能的字符（贪心，重复）；"
        "1 按模型自己的概率采样；大于 1 会把概率拉平、趋向随机。"
    ),
    "chars.prompt": "提示",
    "chars.prompt_help": "模型开始写之前先读入的文本。",
    "chars.length": "生成的字符数",
    "chars.sample_seed": "采样种子",
    "chars.no_model": "先训练几步，才能从模型中采样。",
    "chars.sample_caption": "第 {step} 步，温度 {temperature:g}{greedy}，种子 {seed}。",
    "chars.greedy": "（贪心）",
    "chars.probe_axis": "探测字符串中的字符（每一步都有损失）",
    "chars.probe_caption": "在探测字符串上测得的梯度流：“{probe}”",
    "tbptt.title": "第 {step} 步：截断（k = {k}）与完整 BPTT",
    "tbptt.truncated": "截断，k = {k}（训练实际使用的）",
    "tbptt.full": "完整 BPTT（参照，不用于更新）",
    "tbptt.cut": "在 t = {t} 处切断",
    "tbptt.cut_k_back": "切断：往回 k = {k} 步",
    "tbptt.help": (
        "两条线都是同一批次、同一组权重上的 ‖dL/dh_t‖。截断 BPTT 每 k 步分离一次状态，"
        "所以梯度不会越过任何一条虚线：如果损失只在最后一步，最后一个切点左边的一切都恰好为零"
        "（画在下限处）。灰线是完整 BPTT 本会传回的梯度。"
    ),
    "tbptt.none": "设置一个截断窗口 k（在“高级”中），即可与完整 BPTT 比较。",
    "tbptt.no_probe": "还没有带完整 BPTT 参照的探测。",
    "error.empty": "文件是空的。需要一个包含数字的 CSV 或文本文件。",
    "error.too_large": "文件大小为 {size}；上限是 {limit}。请上传更短的序列或文本（长序列的末尾部分通常就够了）。",
    "error.too_many_rows": "文件有 {rows:,} 行；上限是 {limit:,} 行。",
    "error.binary": "这是一个二进制文件（含有 NUL 字节），不是文本。需要 UTF-8 编码的 CSV 或纯文本文件。",
    "error.utf16": "文件是 UTF-16 文本；只接受 UTF-8。请另存为 UTF-8（在 Excel 中：“CSV UTF-8”）。",
    "error.encoding": (
        "文件不是 UTF-8 文本：第 {line} 行的字节 0x{byte} 无法读取。只接受 UTF-8（带或不带 BOM）；"
        "请另存为 UTF-8（在 Excel 中：“CSV UTF-8”）。"
    ),
    "error.no_rows": "文件有表头（{header}），但没有数据行。",
    "error.one_row": (
        "文件只有一行（一行中有 {fields} 个值）。序列应沿着一列排列，每行一个值；"
        "如果数字都在一行上，请改为粘贴。"
    ),
    "error.no_numeric": "没有任何一列是数字（列：{columns}）。至少需要一列像 101.5 或 -3e2 这样的数字。",
    "error.unknown_column": "没有名为 {column!r} 的数值列；数值列有 {columns}。",
    "error.separators": (
        "列 {column!r} 混用了数字格式：有 {count} 个值（例如 {examples}，在第 {lines} 行）使用的"
        "千位分隔符或小数点与该列其余部分不同。每一列只按一种方式读取：1,424.30（“,” 分隔千位，"
        "“.” 作小数点）或 1.424,30（反过来）。请把数字存为不带千位分隔符的形式（1424.30；"
        "在 Excel 中选用不勾选“使用千位分隔符”的数值格式）后重新上传。"
    ),
    "error.gaps": (
        "列 {column!r} 有 {count} 个缺失或非数字的值（在第 {lines} 行）。"
        "请补全或删除它们后重新上传：缺口不会被悄悄填补。"
    ),
    "error.too_short": "序列只有 {n} 个值；至少需要 {minimum} 个（窗口长度 2，再加上用于训练和验证的 10 个窗口）。",
    "error.too_short_for_window": (
        "列 {column!r} 有 {n} 个值；窗口长度 T = {window} 至少需要 {minimum} 个（T 再加 10 个窗口）。"
        "请把序列长度降到不超过 {max_window}，或使用更长的序列。"
    ),
    "error.constant": "列 {column!r} 从不变化（每个值都是 {value:g}）：没有什么可预测的。",
    "error.numbers_bad": "有 {count} 项不是数字：{examples}。需要用逗号、分号、空格或换行分隔的数字。",
    "error.text_too_short": "文本有 {n:,} 个字符；至少需要 {minimum:,} 个（90% 用于训练，10% 用于验证）。",
    "error.text_too_short_for_window": (
        "文本的验证部分有 {n:,} 个字符；序列长度 T = {window} 至少需要 {minimum:,} 个。"
        "请把序列长度降到不超过 {max_window}，或使用更长的文本。"
    ),
    "error.unknown_key": "数据 {key} 不在这个进程中：它被上传到了另一个会话或服务器。请重新上传（或用 --data 指定文件）。",
    "error.unreadable": "无法读取 {path}：{reason}。",
}
