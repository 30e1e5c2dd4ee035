"""简体中文: every id of en.py, key for key (tests/test_i18n.py checks)."""

ZH: dict[str, str] = {
    # 页面导语
    "intro.train": (
        "循环神经网络一次读入序列的一步，并从错误中学习。损失曲线显示它错得有多远"
        "（验证集：它从未训练过的序列）；对正弦任务，下方的图把它的预测与真实值对比："
        "提前一步预测，以及自由运行（把自己的输出当作下一步输入）。"
    ),
    "intro.gradients": (
        "随时间反向传播（BPTT）把损失的梯度一步一步往回传。每一步都要乘以一个雅可比矩阵，"
        "所以梯度可能缩小到几乎为零（梯度消失），也可能爆炸式增长（梯度爆炸）。"
        "这些图显示整个训练过程中，每个时间步 t 上总梯度 dL/dh_t 的范数。"
    ),
    "intro.hidden": (
        "隐藏状态 h_t 是网络的记忆：H 维空间中的一个点。主成分分析把它压到 2 维或 3 维，"
        "你可以看到一条序列在这个空间里走出的轨迹；颜色表示时间步。"
        "拖动滑块，可以看训练早期轨迹的样子。"
    ),
    "intro.learn": (
        "图表背后的公式，每个公式旁边都是你正在训练的这次运行的实际数值。"
        "在侧边栏切换单元类型，可以看到对应的公式。"
    ),
    "intro.compare": (
        "把同一次运行的最多 12 个变体并排训练，它们只在一两个旋钮上不同，"
        "比较它们学到了什么、梯度如何流动。每个变体都从侧边栏的设置和同一个随机种子出发，"
        "按同样的顺序看到同样的批次：差别只来自那个旋钮（除非旋钮就是种子）。"
        "各变体并行训练，每个占一个核心；完成的运行保存在运行目录中，"
        "已保存或上传的运行也可以加入图表。"
    ),
    # 这是什么？
    "chart.loss": (
        "每个训练步的均方误差（有噪声：每一步看到的批次不同），以及固定验证集上的均方误差。"
        "虚线是平凡基线：什么都没学会的模型大约就是这个分数。对数坐标能看清后期的进步。"
    ),
    "chart.prediction": (
        "灰色：干净的信号。蓝色：模型根据真实的过去预测下一个点。红色虚线：在真实输入上"
        "预热之后，模型只用自己的输出作为输入；误差会累积，所以这是更难的考验。"
    ),
    "chart.profile": (
        "最近一次探测（蓝色）与第一次探测（灰色）的 ‖dL/dh_t‖。损失在最右端。"
        "曲线向左急剧下降，说明梯度消失了：早期的输入得不到功劳。虚线标记的是梯度视界，"
        "即梯度仍不小于最后一步千分之一的最早时间步 t。"
    ),
    "chart.heatmap": (
        "每一行是一次被探测的训练步，每一列是一个时间步；颜色是梯度范数的 log10。"
        "看左侧的暗区：门控单元学会把梯度往回传时它会缩小，普通 RNN 则停在原地。"
    ),
    "chart.cell": (
        "LSTM 的细胞状态 c_t 是它的梯度高速公路：当遗忘门接近 1 时，dL/dc_t 几乎原样向回传递。"
    ),
    "chart.params": (
        "裁剪之前每个权重矩阵和偏置的梯度范数。这里的尖峰就是梯度爆炸；"
        "一条贴近零的平线说明这个权重几乎没有在学习。"
    ),
    "chart.clipping": (
        "裁剪前（紫色）和裁剪后（绿色）的全局梯度范数。按范数裁剪在梯度超过阈值时"
        "把整个梯度缩放到阈值；按数值裁剪则截断每个分量，这也可能改变梯度的方向。"
    ),
    "chart.spectrum": (
        "循环权重块的谱半径 ρ 及其最大奇异值 σ_max。对普通 RNN，σ_max < 1 保证梯度消失"
        "（tanh' ≤ 1）；ρ 远大于 1 则可能让梯度爆炸。"
    ),
    "chart.pca": (
        "每条线是一条探测序列的隐藏状态随时间的变化，投影到所有状态的主成分上。"
        "正弦模型学会一个环；加法模型学会在看到标记时跳一下。"
    ),
    "chart.jacobian": (
        "柱：在一条探测序列上，每一步雅可比矩阵 ∂h_t/∂h_{t-1} 的谱范数。"
        "红线：从 t 到末尾这些范数的乘积，即最后一步的梯度最多有多少能到达第 t 步。"
    ),
    "chart.compare_loss": (
        "每次运行一种颜色。实线：固定验证集上的损失，这是公平的比较。"
        "浅色：每个训练批次的损失，因为每一步看到的序列不同（但所有运行看到的相同）而带噪声。"
    ),
    "chart.compare_heatmaps": (
        "每次运行一个面板：每个被探测的训练步（行）、每个时间步 t（列）上 ‖dL/dh_t‖ 的 log10。"
        "所有面板共用一个色标，同一颜色在各处代表同一梯度范数：左侧的暗边就是在到达早期"
        "输入之前就已消失的梯度。"
    ),
    "chart.compare_reach": (
        "从损失往回数多少步，梯度仍至少保有最后一步强度的千分之一（T − 1 − 梯度视界）。"
        "学会长程结构的运行会把它推向 T − 1。"
    ),
    "chart.sweep_parallel": (
        "每条线代表一个变体，依次穿过各参数的取值，终点是其最终验证损失（log10），颜色按该损失着色："
        "越亮越低。沿某条轴拖动可只保留该范围内的变体；按对数尺度搜索的参数使用对数轴。"
    ),
    "chart.sweep_scatter": (
        "每个已完成变体的最终验证损失（对数尺度）与某个参数的关系，按另一个参数着色：出现趋势说明该参数"
        "重要；颜色分开说明它对另一个参数的不同取值影响不同。"
    ),
    "chart.compare_table": (
        "点击列标题排序。达到目标的步数：验证损失第一次不高于目标的步。每秒步数："
        "训练步数除以它们自己的耗时，每次运行各占一个核心。裁剪比例：梯度被裁剪的步的比例。"
        "可达距离：梯度还能往回传多少步（至少是最后一步强度的 1/1000），分别在第 1 步和训练结束时；"
        "越大越好。变体名称之后的列是区分这些运行的设置。"
    ),
    # 课堂预设
    "preset.tutorial_sine.title": "教程里的正弦模型",
    "preset.tutorial_sine.watch": "训练页上的损失曲线，以及预测（蓝色）与真实值的对比。",
    "preset.tutorial_sine.expect": (
        "在 100 个全批量轮次内，验证损失从约 0.6（预测均值）降到约 0.02。它不可能降到 0："
        "目标带有方差 0.01 的噪声，五个输入也带噪声。"
    ),
    "preset.tutorial_sine.why": (
        "正弦的五个过去值就确定了它的相位，所以一个小 RNN（32 个单元，Adam 0.01，"
        "按 0.5 裁剪）能学会外推一步。这正是种子教程的设置：t 在 [0, 20) 内步长 0.1 的 sin t，"
        "高斯噪声 0.1，窗口长度 5。"
    ),
    "preset.tutorial_sine.question": "验证损失会降到多低？",
    "preset.tutorial_sine.option1": "降到零：正弦是完全可预测的",
    "preset.tutorial_sine.option2": "大约降到噪声水平，不会更低",
    "preset.tutorial_sine.option3": "停在基线附近：5 个点太少了",
    "preset.tutorial_sine.answer": (
        "大约到噪声水平：目标中的噪声永远无法预测，所以损失停在 0.02 附近"
        "（噪声方差 0.01，加上带噪声的输入带来的代价）。"
    ),
    "preset.free_running.title": "自由运行的正弦",
    "preset.free_running.watch": (
        "训练页上的红色虚线：短暂预热之后，模型只以自己的输出为输入，自己生成波形。"
    ),
    "preset.free_running.expect": (
        "一开始，自由运行的曲线会塌成一条平线或者漂走；几百步之后，"
        "它能跟住正弦一个完整周期甚至更久。"
    ),
    "preset.free_running.why": (
        "教程里有状态的下一步预测模型（隐藏 16，权重取自 N(0, 0.001)）在隐藏状态中学会一种"
        "旋转：就是你在隐藏状态页看到的那个环。用自己的输出作输入，小误差会累积，"
        "所以自由运行是更难的考验。"
    ),
    "preset.free_running.question": "只用自己的输出作输入，模型会生成什么？",
    "preset.free_running.option1": "一条平线：误差会立刻堆积",
    "preset.free_running.option2": "一条持续下去的正弦，相位慢慢漂移",
    "preset.free_running.option3": "噪声",
    "preset.free_running.answer": (
        "一条持续下去的正弦：隐藏状态学会了一条轨道，所以模型能生成波形，随着小误差累积而慢慢漂移。"
    ),
    "preset.vanishing.title": "梯度消失：RNN、GRU 与 LSTM 对比",
    "preset.vanishing.watch": (
        "比较页上的梯度热图（暗 = 已消失）和损失曲线。打开一个变体，可以看它的梯度流页面。"
    ),
    "preset.vanishing.expect": (
        "普通 RNN 的梯度在离损失十几步之内就消失了，损失停在随机水平（0.167）。"
        "GRU 的梯度一直传回到标记处，它的损失在 1500 步内降到 0.01 以下。"
    ),
    "preset.vanishing.why": (
        "加法问题把两个被标记的数藏在 100 步里，要求输出它们的和。BPTT 每一步都把梯度乘以"
        "一个雅可比矩阵；对 tanh RNN 这些矩阵的范数小于 1，乘积就消失了。"
        "门控给了 GRU 和 LSTM 一条加性的通路。"
    ),
    "preset.vanishing.question": "哪些单元能学会把相隔 100 步的两个数相加？",
    "preset.vanishing.option1": "三个都能",
    "preset.vanishing.option2": "GRU 能，普通 RNN 不能",
    "preset.vanishing.option3": "都不能：100 步太长了",
    "preset.vanishing.answer": (
        "GRU 学会了（它的梯度能传回 99 步）；普通 RNN 停在随机水平。"
        "LSTM 在 PyTorch 默认的遗忘门偏置下起步很慢：见遗忘门预设。"
    ),
    "preset.exploding.title": "梯度爆炸与裁剪",
    "preset.exploding.watch": (
        "比较页上的两条损失曲线，对照虚线基线（预测平均值）；然后打开每个变体，"
        "在它的梯度流页面比较裁剪前后的梯度范数，以及 W_hh 的谱半径。"
    ),
    "preset.exploding.expect": (
        "两次运行从同样的权重出发，得到同样的第一个梯度，范数有几百。不裁剪时，这一步 SGD "
        "就把 W_hh 的谱半径从 1.15 甩到一百万以上：损失跳到基线的几千甚至几百万倍，"
        "并在几十步里一直高于基线的 10 倍（有时运行直接发散）。按范数 1 裁剪时，W_hh 保持在 "
        "1.15 附近，损失停在基线附近：高于基线 10 倍的步数最多只有几步。"
        "两者在 300 步内都学不会求和；这节课讲的是一次爆炸的梯度步会造成什么。"
    ),
    "preset.exploding.why": (
        "W_hh 初始为单位矩阵的 1.15 倍，激活函数为 ReLU（一个越过 1 的 IRNN），所以每一步都把"
        "状态和梯度乘以约 1.15：30 步就是 66 倍。按范数裁剪保留梯度的方向，但限制它的长度，"
        "所以一步不能把权重甩得很远。爆炸之后，不裁剪的网络的热力图变暗：巨大的权重让它的 "
        "ReLU 单元只输出 0（死亡），梯度无法穿过死亡的单元往回传。"
    ),
    "preset.exploding.question": "裁剪会对训练损失产生什么影响？",
    "preset.exploding.option1": "没有影响：它只是缩放梯度",
    "preset.exploding.option2": "让它留在基线附近，而不裁剪的训练会爆炸",
    "preset.exploding.option3": "变慢，但最终到达同样的位置",
    "preset.exploding.answer": (
        "它让训练保持稳定：不裁剪时，爆炸梯度的一步就把损失甩到基线的几千倍甚至更高；"
        "裁剪时，损失停在基线附近。"
    ),
    "preset.forget_bias.title": "LSTM 遗忘门偏置",
    "preset.forget_bias.watch": (
        "比较页表格中的“第 1 步的可达距离”一列（每个 LSTM 的梯度从第一步起能往回传多少步），"
        "然后看它们的损失曲线。"
    ),
    "preset.forget_bias.expect": (
        "在第 1 步，遗忘偏置为 +1 的 LSTM 的梯度可达距离就已经是偏置为 0 的两到三倍"
        "（约 20-35 步，对 9-12 步）。"
    ),
    "preset.forget_bias.why": (
        "细胞状态每一步都要乘以遗忘门 f_t。偏置为 0 时 f ≈ σ(0) = 0.5，"
        "沿细胞传递的梯度每一步减半；偏置为 +1 时 f ≈ σ(1) = 0.73。"
        "初始化时的一个小改动，在时间上能传得很远。"
    ),
    "preset.forget_bias.question": "一开始，哪个 LSTM 的梯度能传得更远？",
    "preset.forget_bias.option1": "遗忘偏置 0",
    "preset.forget_bias.option2": "遗忘偏置 +1",
    "preset.forget_bias.option3": "在训练改变它们之前两者一样",
    "preset.forget_bias.answer": (
        "遗忘偏置 +1：它的遗忘门从 0.73 左右而不是 0.5 起步，所以细胞状态把梯度带得更远。"
    ),
    "preset.init_lab.title": "初始化实验室",
    "preset.init_lab.watch": "比较页表格中的“第 1 步的可达距离”一列：每个普通 RNN 的梯度一开始能往回传多少步。",
    "preset.init_lab.expect": (
        "用 PyTorch 默认初始化，梯度能往回传十几步；正交 W_hh 和带 ReLU 的单位矩阵（IRNN）"
        "一开始能传回全部 49 步。"
    ),
    "preset.init_lab.why": (
        "正交或单位矩阵 W_hh 的每个奇异值都等于 1，所以在非线性和训练改变它之前，"
        "BPTT 的乘积既不缩小也不增长。"
    ),
    "preset.init_lab.question": "一开始，哪种初始化让梯度存活得最久？",
    "preset.init_lab.option1": "PyTorch 默认初始化",
    "preset.init_lab.option2": "正交或单位矩阵",
    "preset.init_lab.option3": "都一样",
    "preset.init_lab.answer": (
        "正交和单位矩阵：它们的 W_hh 保持范数，所以在第 1 步梯度能一直传回起点；"
        "默认初始化的梯度在十几步之内就消失了。"
    ),
    "classroom.title": "课堂",
    "classroom.intro": (
        "每节课一键（或一个链接，方便分享给全班）就能准备好一切，告诉你该看什么、为什么，"
        "并请你先预测再揭晓。"
    ),
    "classroom.predict": "先预测：{question}",
    "classroom.reveal": "揭晓",
    "classroom.link": "本课链接",
    "classroom.setup": "准备这节课",
    "classroom.watch": "看什么",
    "classroom.expect": "会看到什么",
    "classroom.why": "为什么",
    "classroom.active": "本课：{title}",
    "classroom.go": "前往本课",
    "serve.moved": (
        "承载你这个页面的服务器进程已经停止，你现在连到了另一个进程。你的设置随网址一起恢复；"
        "在那里训练中的运行已经丢失（运行目录保存了每一次完成或停止的运行）。点击训练重新开始。"
    ),
    "classroom.leave": "离开本课",
    "classroom.leave_help": "设置保留；问题和本课链接不再显示。",
    "classroom.link_help": "任何人打开这个链接，都会看到本课的页面、设置和问题。",
    "classroom.right": "你的预测 *{guess}* 是对的。",
    "classroom.wrong": "你的预测是 *{guess}*；答案是 *{answer}*。",
    "classroom.no_guess": "答案是 *{answer}*。",
    "classroom.race_hint": "这节课是一场比赛：请在比较页点击运行比较。",
    "classroom.presenter": "演示模式",
    "classroom.presenter_help": (
        "为投影仪准备的大字号和大图表。链接可以逐个隐藏控件：?hide=lr,optimizer 或 ?lr_hide=1。"
    ),
    # 导航、侧边栏、控件
    "app.title": "循环神经网络梯度流探索器",
    "page.train": "训练",
    "page.gradients": "梯度流",
    "page.hidden": "隐藏状态",
    "page.learn": "原理",
    "page.compare": "比较",
    "page.classroom": "课堂",
    "sidebar.language": "语言",
    "sidebar.model": "模型与任务",
    "sidebar.optimisation": "优化",
    "sidebar.init": "初始化",
    "sidebar.advanced": "高级",
    "sidebar.invalid": "设置无效（{error}）。仍使用上一组有效设置。",
    "label.task": "任务",
    "label.cell": "单元",
    "label.hidden": "隐藏单元数",
    "label.layers": "层数",
    "label.seq_len": "序列长度 T",
    "label.batch": "批大小",
    "label.steps": "训练步数",
    "label.lr": "学习率",
    "label.optimizer": "优化器",
    "label.clip": "梯度裁剪",
    "label.clip_value": "裁剪阈值",
    "label.init": "初始化",
    "label.whh_gain": "W_hh 增益",
    "label.forget_bias": "LSTM 遗忘门偏置",
    "label.tbptt": "截断 BPTT 窗口（0 = 完整）",
    "label.probe_every": "每 k 步探测一次（0 = 自动）",
    "label.val_every": "每 k 步验证一次",
    "label.seed": "随机种子",
    "help.task": (
        "网络学习什么：正弦的下一个点（50 点的片段，之后可自由运行生成）、"
        "教程中带噪声正弦在一个窗口之后的值，或者加法问题（把长序列中两个被标记的值相加：考验记忆）。"
    ),
    "help.cell": "循环单元：普通 RNN、LSTM 或 GRU。",
    "help.hidden": "每层的隐藏单元数（{lo} 到 {hi}）。",
    "help.layers": "堆叠的循环层数（{lo} 到 {hi}）。",
    "help.seq_len": "每条序列的时间步数；对带噪声的正弦则是窗口长度（{lo} 到 {hi}）。",
    "help.batch": "每一步的序列数，不超过训练集大小（{lo} 到 {hi}）。",
    "help.steps": "这次运行的优化步数（{lo} 到 {hi}）。",
    "help.lr": "学习率（{lo} 到 {hi}）。",
    "help.optimizer": "Adam，或动量为 0.9 的 SGD。",
    "help.clip": "梯度裁剪：关闭、按全局范数，或按数值。",
    "help.clip_value": "裁剪阈值：允许的最大全局范数，或最大的 |g|（{lo} 到 {hi}）。",
    "help.init": "权重如何初始化。",
    "help.whh_gain": "初始化之后把 W_hh 乘以这个数；大于 1 会把梯度推向爆炸（{lo} 到 {hi}）。",
    "help.forget_bias": "加到 LSTM 遗忘门偏置上；+1 是常用的修正（{lo} 到 {hi}）。",
    "help.tbptt": "截断 BPTT：梯度不会跨越 k 步的窗口；0 表示完整 BPTT（{lo} 到 {hi}）。",
    "help.probe_every": (
        "每 k 步测量一次梯度流；0 = 自动（每一步，LSTM 每 25 步）（{lo} 到 {hi}）。"
    ),
    "help.val_every": "每 k 步计算一次验证损失（{lo} 到 {hi}）。",
    "help.seed": "决定数据、权重和批次顺序（{lo} 到 {hi}）。",
    "choice.task.sine_next": "正弦：下一步预测",
    "choice.task.sine_window": "带噪声正弦窗口",
    "choice.task.adding": "加法问题",
    "choice.cell.rnn": "普通 RNN（tanh）",
    "choice.cell.lstm": "LSTM",
    "choice.cell.gru": "GRU",
    "choice.optimizer.adam": "Adam",
    "choice.optimizer.sgd": "SGD（动量 0.9）",
    "choice.clip.off": "关闭",
    "choice.clip.norm": "按全局范数",
    "choice.clip.value": "按数值",
    "choice.init.default": "PyTorch 默认（均匀分布 ±1/√H）",
    "choice.init.orthogonal": "正交 W_hh",
    "choice.init.identity": "单位矩阵 W_hh + ReLU（IRNN，仅普通 RNN）",
    "choice.init.small_normal": "循环权重取 Normal(0, 0.001)（教程中的做法）",
    "btn.train": "训练",
    "btn.resume": "继续",
    "btn.pause": "暂停",
    "btn.step": "单步",
    "btn.stop": "停止",
    "btn.reset": "重置",
    "btn.step_help": "只走一个优化步，然后暂停。",
    "btn.reset_help": "丢弃这次运行，用当前设置重新开始。",
    "widget.what": "这是什么？",
    # 原理页
    "learn.cell": "单元：{cell}",
    "learn.irnn": "这次运行是 IRNN：用 ReLU 代替 tanh，且一开始 W_hh = I。",
    "learn.cell_numbers": (
        "- 隐藏单元 **H = {hidden}**，层数 **{layers}**\n"
        "- 序列长度 **T = {T}**\n"
        "- 参数数量：**{params}**"
    ),
    "learn.bptt": "随时间反向传播",
    "learn.train_first": "先训练几步，这里就会显示这次运行的雅可比矩阵。",
    "learn.bptt_numbers": (
        "- 当前 W_hh 的 σ_max 为 **{sigma}**，谱半径 **{rho}**；σ_max^T = **{sigma_T}**\n"
        "- 单步雅可比范数 ‖∂h_t/∂h_(t−1)‖：平均 **{mean}**，整个序列上的乘积 **{product}**\n"
        "- 第 {step} 步实测的 ‖dL/dh_0‖ / ‖dL/dh_T‖：**{ratio}**"
    ),
    "learn.clipping": "梯度裁剪",
    "learn.clip_off": "- 这次运行不裁剪",
    "learn.clip_mode": "- 这次运行**{mode}**裁剪，阈值 **θ = {threshold}**",
    "learn.clip_fraction": "- 到目前为止的 {steps} 步中，有 **{fraction}** 被裁剪",
    "learn.tbptt": "截断 BPTT",
    "learn.tbptt_on": "- 窗口 **k = {k}**：梯度不会跨越窗口边界",
    "learn.tbptt_off": "- 这次运行使用完整 BPTT（k = T）；可在“高级”中设置窗口。",
    "lesson.rnn": (
        "普通 RNN 只保留一个隐藏状态 h_t，每一步都用同样的权重 W_hh 和 W_xh，"
        "由上一步的状态和新的输入更新它；一个线性输出层从 h_t 读出预测。"
        "用均方误差训练它，就是要求每一步的状态携带后面的输出所需要的信息。"
    ),
    "lesson.lstm": (
        "LSTM 在 h_t 旁边增加了一个细胞状态 C_t。三个取值在 0 到 1 之间的门决定忘掉什么（f_t）、"
        "写入什么（i_t）和输出什么（o_t）。细胞通过加法更新，C_t = f_t·C_{t−1} + i_t·C̃_t，"
        "所以当 f_t 接近 1 时，梯度几乎原样沿着它往回传：这就是对梯度消失的修正。"
    ),
    "lesson.gru": (
        "GRU 把 LSTM 的细胞状态和隐藏状态合二为一。更新门 z_t 把旧状态和候选状态混合；"
        "重置门 r_t 决定候选状态能看到多少旧状态。z_t 接近 1 时，状态及其梯度原样通过。"
    ),
    "lesson.bptt": (
        "随时间反向传播把网络沿序列展开，然后反向应用链式法则。h_t 处的梯度收集第 t 步的"
        "损失，加上从 h_{t+1} 传回、再乘以单步雅可比矩阵的一切。从 T 回到 t，"
        "要把 T − t 个雅可比矩阵连乘起来。"
    ),
    "lesson.vanishing": (
        "对 tanh RNN，每个雅可比矩阵是 diag(1 − h_k²)·W_hh。如果它的范数一直小于 1，"
        "乘积按几何级数缩小，早期输入得不到梯度：梯度消失。如果 W_hh 的最大奇异值远大于 1"
        "而单元又没有饱和，乘积可能按几何级数增长：梯度爆炸。"
    ),
    "lesson.clipping": (
        "裁剪在优化步之前限制梯度。按范数裁剪：当整个梯度的范数超过阈值 θ 时，"
        "把它缩放到 θ，方向不变。按数值裁剪：把每个分量截到 [−θ, θ]，这可能改变它的方向。"
        "裁剪能驯服梯度爆炸，但救不回已经消失的梯度。"
    ),
    "lesson.tbptt": (
        "截断 BPTT 在 k 步之后切断梯度：前向传播仍然把状态带过整个序列，"
        "但梯度不会跨越窗口边界。它更便宜、更稳定，但看不到长于 k 的依赖。"
    ),
    # 比较页
    "cmp.mode": "运行什么",
    "cmp.mode.compare": "比较：一到两个参数，最多 12 个变体",
    "cmp.mode.sweep": "扫描：随机搜索，最多 1000 个变体",
    "cmp.sweep_n": "抽取的变体数",
    "cmp.sweep_space": "搜索空间，每行一个参数",
    "cmp.sweep_space_help": (
        "参数=下限:上限 表示均匀抽取，参数=下限:上限:log 表示在对数尺度上均匀抽取（如学习率），"
        "参数=A,B,C 表示在选项中抽取。每个变体都沿用侧边栏的种子，因此看到相同的数据。"
    ),
    "cmp.sweep_seed": "搜索种子",
    "cmp.sweep_seed_help": "决定抽取结果；相同的种子抽到相同的变体。",
    "cmp.where": "在哪里训练",
    "cmp.where.local": "本机的工作进程",
    "cmp.where.ray": "Ray 集群 {address}",
    "cmp.summary": "已完成 {done}/{total} · 运行中 {running} · 失败 {failed} · 等待中 {waiting}",
    "cmp.sweep_x": "损失对应的参数",
    "cmp.sweep_colour": "着色依据",
    "cmp.best": "最好的 {n} 个变体",
    "cmp.open_variant": "在单次运行页面中打开一个变体",
    "cmp.groups": "此处保存的扫描与比较",
    "cmp.show_group": "显示其结果",
    "cmp.showing": "正在显示保存在 `{folder}` 中的结果。",
    "cmp.no_group": "（无）",
    "cmp.none": "— 无 —",
    "cmp.values": "取值",
    "cmp.values_text": "取值（用逗号分隔）",
    "cmp.variants": "变体",
    "cmp.base": "从侧边栏的设置出发：任务 **{task}**，单元 **{cell}**，{steps} 步，种子 {seed}。",
    "cmp.changed": "与默认值不同的设置：{fields}。",
    "cmp.vary": "改变",
    "cmp.and": "以及（可选）",
    "cmp.n_variants": "{n} 个变体：",
    "cmp.run_n": "运行 {n} 个变体",
    "cmp.run": "运行",
    "cmp.run_help": "并行运行，每个变体占一个核心。",
    "cmp.run_help_busy": "并行运行，每个变体占一个核心；需要先等正在进行的比较结束。",
    "cmp.progress": "进度",
    "cmp.cancel": "取消",
    "cmp.cancel_all": "全部取消",
    "cmp.took": "用时 {seconds} 秒",
    "cmp.running_for": "已运行 {seconds} 秒",
    "cmp.workers": "{n} 个工作进程",
    "cmp.waiting": (
        "正在等待工作进程：排在第 {position} 位。这台服务器在所有人的比较中最多同时运行 "
        "{capacity} 个工作进程；有一个空出来时，你的比较就开始。"
    ),
    "cmp.shared": (
        "同样的比赛已经在这台服务器上运行，所以本页直接观看它：共有 {n} 个页面在看。"
        "只有发起比赛的页面可以取消它。"
    ),
    "cmp.left": "大约还剩 {seconds} 秒",
    "cmp.saved_under": "保存在 {folder}",
    "cmp.refused": "拒绝了 {name}：{reason}",
    "cmp.not_kept": "无法保存：{reason}",
    "cmp.added": "已添加 {name}，保存为 {folder}。",
    "cmp.no_overlay": "无法叠加 {name}：{reason}",
    "cmp.results": "结果",
    "cmp.no_results": "运行一次比较，或在下方选择已保存的运行进行叠加，结果会显示在这里。",
    "cmp.target": "目标验证损失",
    "cmp.target_help": "达到目标的步数：验证损失第一次不高于此值的步。默认值是平凡基线的十分之一。",
    "cmp.not_reached": "未达到",
    "cmp.open_hint": "**在单次运行页面中打开一次运行**（训练、梯度流……）：",
    "cmp.open_run": "打开 {name}",
    "cmp.saved": "已保存的运行",
    "cmp.saved_where": "每次完成的运行，无论单独运行还是比较，都保存在 `{folder}`。",
    "cmp.overlay": "把已保存的运行叠加到结果上",
    "cmp.overlay_help": "它们的损失曲线、热图和表格行会加入这次比较。",
    "cmp.saved_run": "已保存的运行",
    "cmp.open": "打开",
    "cmp.download": "下载（.zip）",
    "cmp.no_saved": "`{folder}` 中还没有保存的运行：在训练页完成一次运行，或运行一次比较。",
    "cmp.upload": "上传运行包（.zip，即下载按钮生成的文件）",
    "cmp.upload_help": (
        "保存之前会先检查：大小、文件名，并用 weights_only=True 读取权重。"
        "它会以新名字保存在运行目录中。"
    ),
    "col.variant": "变体",
    "col.final_val_loss": "最终验证损失",
    "col.best_val_loss": "最佳验证损失",
    "col.steps_to_target": "验证损失 ≤ {target} 所需步数",
    "col.steps_per_second": "每秒步数",
    "col.clipped": "裁剪比例",
    "col.reach_first": "第 1 步的可达距离（往回步数）",
    "col.reach": "结束时的可达距离（往回步数）",
    "col.settings": "设置（与默认值不同的部分）",
    "col.status": "状态",
    "col.folder": "运行文件夹",
    "col.name": "名称",
    "col.date": "日期",
    "train.log_loss": "对数坐标显示损失",
    # 图表标题与坐标轴
    "fig.step": "步",
    "fig.training_step": "训练步",
    "fig.timestep": "时间步 t",
    "fig.train": "训练",
    "fig.batch_loss": "批次损失",
    "fig.val_loss": "验证损失",
    "fig.loss_mse": "损失（均方误差）",
    "fig.sweep_parallel": "每个变体：各参数与最终验证损失",
    "fig.sweep_scatter": "最终验证损失与 {knob} 的关系",
    "fig.cmp_empty": "运行一次比较，或选择已保存的运行进行叠加。",
    "fig.cmp_loss": "每次运行的损失（实线为验证集，浅色为训练批次）",
    "fig.cmp_heatmaps": "训练过程中的 log10 ‖dL/dh_t‖：每次运行一个面板，共用一个色标",
    "fig.cmp_reach": "训练过程中的梯度可达距离（从损失往回的步数）",
    "fig.reach_axis": "可达距离（往回的步数）",
    "fig.empty": "点击训练开始：图表会随着学习逐步填满。",
    "fig.loss": "损失（均方误差）",
    "fig.loss_axis": "损失",
    "fig.baseline_mean": "预测均值",
    "fig.baseline": "基线：{name}（{value}）",
    "fig.train_batch": "训练（批次）",
    "fig.validation": "验证",
    "fig.prediction": "预测与真实值",
    "fig.prediction_none": "只有正弦任务和序列任务会预测一条曲线。",
    "fig.truth": "真实值",
    "fig.one_step": "提前一步预测",
    "fig.free_running": "自由运行（以自身输出为输入）",
    "fig.warmup": "用真实输入预热",
    "fig.value": "数值",
    "fig.profile": "各时间步的 ‖dL/d{symbol}_t‖（BPTT 总梯度）",
    "fig.step_n": "第 {step} 步",
    "fig.step_latest": "第 {step} 步（最新）",
    "fig.horizon": "视界 t={t}",
    "fig.timestep_loss_right": "时间步 t（损失在右端）",
    "fig.norm_log": "范数（对数）",
    "fig.heatmap": "训练过程中的 log10 ‖dL/d{symbol}_t‖",
    "fig.params": "各参数的梯度范数",
    "fig.params_axis": "‖dL/dW‖（对数）",
    "fig.clipping": "裁剪前后的梯度范数",
    "fig.before_clip": "裁剪前",
    "fig.after_clip": "裁剪后",
    "fig.threshold": "阈值 {value}",
    "fig.clip_off": "关闭",
    "fig.clip_norm": "{fraction} 被裁剪",
    "fig.clip_value": "|g| ≤ {value}，{fraction} 被裁剪",
    "fig.spectrum": "循环权重的谱半径",
    "fig.rho_layer": "第 {layer} 层 ρ(W_hh)",
    "fig.sigma_layer": "第 {layer} 层 σ_max",
    "fig.edge": "1：消失与爆炸的分界",
    "fig.pca": "隐藏状态轨迹（主成分分析）",
    "fig.sequence": "序列 {n}",
    "fig.pca_full": "第 {step} 步的{title}——解释方差 {explained}",
    "fig.jacobian": "单步雅可比范数及其乘积",
    "fig.product": "从 t 到 T 的乘积（上界）",
    "fig.measured": "实测 ‖dL/dh_t‖ / ‖dL/dh_T‖",
    "fig.product_axis": "乘积（对数）",
    "metric.step": "步数",
    "metric.train_loss": "训练损失",
    "metric.val_loss": "验证损失",
    "metric.baseline": "基线（平凡模型）",
    "metric.baseline_help": "始终预测训练集均值的模型在验证集上的损失。",
    "metric.speed": "每秒步数",
    "train.downloads": "下载",
    "train.bundle": "运行包（.zip）",
    "train.bundle_help": (
        "config.json、metrics.csv、gradflow.npz、hidden.npz、predictions.csv、model.pt、"
        "summary.json——与命令行写出的相同。"
    ),
    "train.metrics_csv": "指标（.csv）",
    "hidden.view": "视图",
    "hidden.follow": "跟随最新一步",
    "hidden.follow_help": "关闭后可以用滑块选择训练中更早的时刻。",
    "hidden.caption": (
        "解释方差：{explained}——{P} 条探测序列，每条 {T} 步，{H} 个隐藏单元，快照取自第 {step} 步。"
    ),
    "gf.layer": "层",
    "gf.layer_n": "第 {n} 层",
    "gf.top": "（顶层）",
    "gf.reach_now": "当前梯度可达距离",
    "gf.reach_help": (
        "梯度能往回传多少步：梯度视界是 ‖dL/dh_t‖ 仍不小于最后一步千分之一的最早时间步 t。"
        "往回 T − 1 步表示梯度能到达第一个输入。"
    ),
    "gf.reach_at": "第 {step} 步的可达距离",
    "gf.reach_value": "{n} / {total} 步",
    "gf.ratio_help": "最后一步的梯度到第一步还剩多少。",
    "gf.clipped": "被裁剪的步",
    "gf.underflow": "0（下溢）",
    # 运行状态
    "state.idle": "空闲",
    "state.starting": "启动中",
    "state.queued": "排队中",
    "state.running": "训练中",
    "state.paused": "已暂停",
    "state.completed": "已完成",
    "state.example": "示例运行",
    "cmp.example": "**示例比赛**：本课的比赛，此前用相同设置录制。点击 **运行** 现场比赛："
    "你的结果会取代这些。",
    "watched.header": "你自己的模型（`explorer.watch`）",
    "watched.none": "`{folder}` 中还没有被观察的运行。在你自己的训练循环里："
    '`probe = explorer.watch(model.encoder)`，然后 `probe.save("{folder}/my-model")`'
    "（见 `README.md`）。",
    "watched.pick": "被观察的运行",
    "watched.open": "在梯度流页面打开",
    "watched.close": "关闭：回到本应用的运行",
    "watched.every": "每 {n} 步探测一次",
    "watched.budget": "按 {budget}% 的时间预算探测",
    "watched.banner": "**你的模型，在你自己的循环中被观察**（`explorer.watch`，不在此训练）："
    "{module}，{layers} 层，每层 {hidden} 个单元；{steps} 步中探测 {probes} 次，"
    "{schedule}；{created} 保存于 `{folder}`。",
    "watched.sidebar": "本页显示的是在其所有者的循环中训练的模型（`explorer.watch`）：这里没有可训练的内容。",
    "watched.gone": "无法再读取被观察的运行 `{folder}`：{reason}",
    "fig.clip_seen": "{fraction} 的步被裁剪（由你的循环）",
    "msg.example": "这是预先录制的运行：{settings}。点击 **训练** 运行你自己的设置，"
    "你的运行会在每个页面上取代它。",
    "example.settings": "{cell}，任务 {task}，隐藏单元 {hidden}，T = {T}，{steps} 步",
    "state.diverged": "已发散",
    "state.stopped": "已停止",
    "state.error": "出错",
    "status.idle": "点击侧边栏中的 **训练** 开始。",
    "status.step": "第 {step} / {total} 步",
    "status.speed": "每秒 {rate} 步",
    "status.loss": "损失 {loss}",
    "status.val": "验证 {val}",
    "msg.starting": "正在构建模型……",
    "msg.paused": "已暂停。",
    "msg.queued": "排在第 {position} 位。服务器同时训练 {capacity} 个运行；其中一个完成或暂停后，轮到你的运行。",
    "msg.paused_idle": "已暂停：一段时间内没有打开的标签页显示这个运行。按 **继续** 接着训练。",
    "msg.completed": "已完成 {steps} 步。",
    "msg.stopped": "已停止；保留到目前为止的记录。",
    "msg.released": "标签页关闭后已停止并释放；记录已保存到 {folder}。",
    "msg.diverged": (
        "在第 {step} 步发散：损失或梯度变成了无穷大或 NaN。之前的记录都已保留。"
        "请试试更小的学习率，或打开梯度裁剪。"
    ),
    "msg.error": "训练失败：{detail}",
    "msg.saved": "已保存到 {folder}。",
    "status.too_heavy": "这些设置对共享服务器上的实时训练来说太重：一步训练约需 {work} 次乘加，上限是 {limit}（每步约 0.3 秒），这样每个会话都能继续刷新。请减小批大小、序列长度、隐藏单元数或层数；命令行（`python -m explorer train`）没有这个限制。",
    "status.changed": (
        "自这次运行开始以来设置已更改（{fields}）。点击重置，用新设置开始一次新的运行；"
        "屏幕上的运行保留它自己的设置。"
    ),
    # -- 序列、数字、字符与截断 BPTT 视图；用户数据的错误 --------------------------------
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
