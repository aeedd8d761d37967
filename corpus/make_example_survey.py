"""Generate the example survey ``survey_2023.csv`` for qualmine.

The survey is fictional and was written for the qualmine project. It is
modelled on a questionnaire of residents and staff of a street-level
party-mass service center (党群服务中心) in Guangzhou: who answered (role, age,
years of residence, hukou, community) and three open questions:

* ``q_dissatisfied`` — 您对党群服务中心有哪些不满意的地方？
* ``q_needs``        — 您希望增加哪些服务？
* ``q_suggestions``  — 您对改进党群服务中心有什么建议？

Answers are drawn without replacement from hand-written pools (so there is
little repetition), with a share of blank and one-word answers and a few
respondents who answered in English. The random seed is fixed, so running

    python corpus/examples/make_survey.py

regenerates exactly the committed file (UTF-8 with BOM, as exported by most
survey tools). Only the standard library is used.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2023
N_RESPONDENTS = 168
OUT = Path(__file__).parent / "examples" / "survey_2023.csv"

COLUMNS = [
    "respondent_id", "role", "age_group", "years_of_residence", "hukou",
    "district", "q_dissatisfied", "q_needs", "q_suggestions",
]
DISTRICTS = ["榕荫社区", "东湖社区", "新岭社区", "锦华社区", "怡景社区", "云台社区"]

# ----------------------------------------------------------------- answer pools
# q_dissatisfied, residents / volunteers / social-organisation workers
DISSATISFIED_RESIDENT = [
    "排队时间太长，月初去认证要等一个多小时。",
    "开放时间跟上班时间重叠，我们上班族根本去不了。",
    "周末不开门，平时又请不了假。",
    "中午十二点到两点半窗口没人，去了白等。",
    "办个证明跑了三趟，每次都说少一样材料。",
    "材料清单网上一套，窗口一套，不统一。",
    "工作人员太少了，经常只开一个窗口。",
    "有个工作人员态度不好，问两句就不耐烦。",
    "新来的工作人员业务不熟，问什么都要去问别人。",
    "宣传不够，很多人不知道中心能办什么事。",
    "自助机经常死机，最后还是要排人工。",
    "活动太少了，一个月就一两次。",
    "活动形式单一，来来去去就是唱歌跳舞。",
    "讲座内容太老套，每年都讲防诈骗。",
    "年轻人能参加的活动几乎没有。",
    "活动都在工作日白天，上班的人参加不了。",
    "不知道有什么活动，通知都发在微信群里，我不在群里。",
    "提了意见没有回音，不知道有没有人看。",
    "议事会就是走过场，意见提了也不采纳。",
    "中心只有老人家去，感觉跟我们年轻人没关系。",
    "外地人办事比较麻烦，要的材料特别多。",
    "停车不方便，门口没地方停车。",
    "电梯经常坏，老人家上二楼很辛苦。",
    "空调太冷了，等的时候冻得发抖。",
    "大厅座位太少，老人只能站着等。",
    "取号机不会用，也没人教。",
    "窗口人员经常被叫去开会，窗口空着没人。",
    "打电话咨询没人接，只能跑过去问。",
    "义诊取消了，以前每个月都有的。",
    "长者饭堂太远，要走二十多分钟。",
    "图书室的书太旧了，好几年没换过。",
    "阅览室太小，周末小孩多了坐不下。",
    "兴趣班名额太少，一开放报名就满了。",
    "手机课只开了两期，很多老人没报上名。",
    "公众号推送的都是开会新闻，没什么有用的信息。",
    "指示牌不清楚，第一次去找不到在哪个窗口办。",
    "流程太复杂，老人家根本搞不懂。",
    "网上预约系统很难用，登录老是失败。",
    "办事要先在手机上填表，对老人不友好。",
    "有时候说好的事情，换了个人又说不行。",
    "同一件事不同工作人员说法不一样。",
    "我觉得效率有点低，一个业务办半小时。",
    "等候区太吵了，广播听不清叫号。",
    "反映楼道没有扶手的事情，半年了还没解决。",
    "活动签到拍照的时间比活动本身还长。",
    "感觉有些活动就是为了凑人数。",
    "社区的事情都是几个人说了算，普通居民插不上话。",
    "租户好像不算居民，开会从来不通知我们。",
    "志愿者活动只安排站岗发传单，没意思。",
    "志愿积分取消了，大家积极性没以前高。",
    "企业和商家基本不参与社区的事。",
    "四点半课堂只有一个学期就停了。",
    "暑假没有给小孩的活动，孩子只能在家玩手机。",
    "健康讲座都在上午，上班的人听不了。",
    "家庭医生签了约，一次都没见过。",
    "找工作方面没有什么帮助，推荐的岗位不合适。",
    "招聘会一年才一次，岗位也少。",
    "办社保业务的窗口人手不够，排长队。",
    "午休时间太长了，能不能轮流吃饭。",
    "五点半就关门，下班赶过去已经关了。",
    "上次去办事，工作人员爱理不理的，在玩手机。",
    "服务态度一般般，谈不上热情。",
    "有点失望，宣传得那么好，去了发现没什么用。",
    "说是一站式服务，结果还是让我去别的部门。",
    "中心的开放时间没有问题，就是每次都要排很久。",
    "工作人员态度没问题，就是人太少了。",
    "硬件挺好的，软件跟不上，服务没有特色。",
    "活动室经常被占用来开会，居民想用用不了。",
    "书法班的老师是志愿者，水平参差不齐。",
    "来来去去都是那几个老面孔在参加。",
    "信息发布太晚，活动前一天才通知。",
    "宣传栏的通知字太小，老人看不清。",
    "只有普通话服务，有些老人家只会讲粤语。",
    "外籍居民办事没有英文指引。",
    "投诉了一次，到现在都没人回复。",
    "服务时间不够灵活，晚上和周末都办不了。",
    "电脑系统太慢，打印一张证明要等很久。",
    "太多表格要填，同样的信息要写好几次。",
    "老旧小区的问题反映了没人管。",
    "环境不错，就是人多的时候很挤。",
    "办理居住证的流程太繁琐了。",
    "上次预约好了过去，结果说系统故障办不了，白跑一趟。",
    "对残疾人不太友好，没有无障碍通道。",
    "厕所有时候锁着，老人家很不方便。",
    "新居民不知道去哪里报名参加活动。",
    "居民意见征集只是做个样子。",
    "文化活动没有新意，年年都一样。",
    "给中年人的活动几乎没有。",
    "没有针对青少年的活动，孩子放学没地方去。",
    "粤剧私伙局没有场地了，老街坊都散了。",
    "一个人要管好几摊事，忙不过来。",
    "窗口工作人员流动太快，每次去都是新面孔。",
    "广场舞的音乐太吵，影响休息。",
    "打印复印要收费，而且很贵。",
    "通知电话打来的时候我在上班，没接到就错过了。",
    "叫号不按顺序，有人插队也没人管。",
    "感觉中心主要是给党员服务的，普通群众参与少。",
    "每次活动都要求带身份证登记，有点麻烦。",
    "社区议事的结果从来不公开。",
    "开放时间太短了。",
    "等太久。",
    "人太少，忙不过来。",
    "活动没意思。",
    "宣传太少。",
    "手续多，跑几次。",
    "不够人性化。",
    "服务跟不上需求。",
    "有时候找不到负责的人。",
    "窗口只收纸质材料，不能线上提交。",
    "登记个信息要重复填好几张表，很浪费时间。",
    "夏天等候区太热，风扇都不转。",
    "问路的时候保安说不清楚。",
    "工作日去了两次都说负责的人不在。",
    "办完事不知道进度，只能自己打电话问。",
]
# q_dissatisfied, service-center staff
DISSATISFIED_STAFF = [
    "上级任务太多，台账、报表占了一半时间。",
    "人手不足，一个人顶两个岗位。",
    "考核只看活动场次和人数，不看服务质量。",
    "职责不清，什么事情都往中心推。",
    "经费不足，想搞活动都要另外申请。",
    "工资低，年轻同事干两年就走了。",
    "检查太多，经常为了迎检加班整理材料。",
    "延时服务没有加班补贴，坚持不下去。",
    "业务培训太少，政策变了我们也是最后知道的。",
    "居民的合理诉求，我们报上去往往没有下文。",
    "同一组数据要报给好几个部门，格式还不一样。",
    "工作人员经常被抽调去做其他工作，窗口顶不住。",
    "编制太少，大部分是购买服务的临时人员。",
    "社工机构一年一签，服务衔接不上。",
    "活动室太小，稍微大一点的活动都办不了。",
    "请专业老师的费用报销很难。",
    "年轻志愿者留不住，来一两次就走了。",
    "居民参与的积极性不高，通知了也没人来。",
    "和辖区企业的合作都是临时的，没有长效机制。",
    "居民的需求我们没有系统调查过，活动只能照往年做。",
    "信息化系统太多，每个系统都要录一遍。",
    "加班多，休息时间得不到保障。",
    "作为工作人员，觉得压力挺大的，但也理解。",
    "基层权力小责任大，很多事解决不了。",
    "每次上面来检查都要停下手头的服务去准备。",
    "窗口的座椅和电脑都该换了，用了五六年。",
]
# q_needs, everyone
NEEDS = [
    "希望开个长者饭堂，中午有口热饭吃。",
    "独居老人需要定期上门探访。",
    "希望有日间照料中心，白天老人可以去坐坐。",
    "老人家看病需要有人陪诊。",
    "希望有上门理发、洗澡的服务。",
    "老旧小区加装扶手、做适老化改造。",
    "希望多一些给老人的智能手机培训。",
    "给老人配个紧急呼叫器，摔倒了能马上通知家人。",
    "助餐服务能送餐上门就更好了。",
    "希望有老年大学，学学书法、国画。",
    "照顾卧床老人的护理培训，家属也需要学。",
    "我爸妈年纪大了，希望白天有人帮忙看一下。",
    "老人家的心理关怀，很多空巢老人很孤单。",
    "长者防诈骗的宣传要多做，上门讲。",
    "四点半课堂，帮双职工家庭接孩子、辅导作业。",
    "课后托管，孩子放学后有地方去。",
    "暑假和寒假给小朋友办些活动。",
    "亲子阅读、亲子手工之类的周末活动。",
    "青少年的心理辅导，现在孩子压力太大了。",
    "给孩子们办点体育活动，篮球、羽毛球都行。",
    "希望有编程、科学实验这类兴趣课。",
    "托育服务，三岁以下的孩子没地方送。",
    "儿童游乐场地太少了，希望增加。",
    "小孩放学后没人管，希望有人看护。",
    "希望有针对初中生的学习辅导。",
    "家长课堂，讲讲怎么和青春期孩子沟通。",
    "定期义诊，量血压、测血糖。",
    "家庭医生每周能来中心坐诊半天。",
    "健康讲座，讲讲高血压、糖尿病怎么管理。",
    "中医理疗、针灸推拿，价格优惠一点。",
    "免费体检，一年一次就行。",
    "心理咨询服务，最好可以匿名。",
    "康复训练，我妈中风后需要做康复。",
    "慢病管理，有人提醒吃药、复查。",
    "急救培训，教大家用心肺复苏和AED。",
    "希望社区能有一台AED。",
    "给孕妇和新手妈妈的健康指导。",
    "就业招聘信息多发一点，最好是附近的岗位。",
    "技能培训，比如电商、直播、短视频剪辑。",
    "家政、育婴师、月嫂的职业培训。",
    "帮年轻人改简历、做模拟面试。",
    "创业指导，想开个小店不知道从何入手。",
    "灵活就业人员的社保怎么交，需要有人讲解。",
    "再就业帮扶，四五十岁找工作太难了。",
    "多办几场招聘会，在社区里办。",
    "给外来务工人员的技能提升课程。",
    "考证培训，叉车证、电工证之类的。",
    "法律咨询，租房纠纷、劳动合同都想问问。",
    "租房信息和租房纠纷调解。",
    "外地人办居住证、积分入学的咨询服务。",
    "粤语学习班，方便新广州人融入。",
    "英语角或者外语学习。",
    "书法、绘画、摄影等兴趣班。",
    "读书会，每月一次，大家交流读书心得。",
    "社区图书室延长开放时间。",
    "给年轻人的桌游、运动类活动。",
    "中年人的健身活动，比如瑜伽、羽毛球。",
    "粤剧、私伙局，让老街坊有个聚的地方。",
    "传统节日活动，包粽子、做月饼、猜灯谜。",
    "社区电影放映，夏天晚上放一放。",
    "手工艺课程，比如插花、烘焙。",
    "家庭理财知识讲座。",
    "垃圾分类的指导，现在规则太复杂。",
    "宠物管理和文明养犬的宣传。",
    "共享工具间，借梯子、电钻这些。",
    "二手物品交换集市。",
    "快递代收点，上班族收快递不方便。",
    "便民维修服务，修修家电、换个锁。",
    "社区食堂，不只是老人，上班族也能吃。",
    "夜间也能办一些简单的业务。",
    "周末开放，至少开半天。",
    "网上办事和预约，少跑腿。",
    "残疾人康复和就业帮扶。",
    "困难家庭的救助和帮扶。",
    "退役军人的服务和交流活动。",
    "给新搬来的居民一些介绍和欢迎活动。",
    "邻里互助平台，谁家有事能搭把手。",
    "志愿服务的培训，让志愿者更专业。",
    "社区议事的线上渠道，上班族也能参与。",
    "防火、防盗的安全知识培训。",
    "电动车充电的地方，现在大家都拉线充电很危险。",
    "停车位太少，希望协调一下。",
    "老人智能手机使用培训，挂号、缴费、视频通话。",
    "给照顾老人的家属一些喘息服务。",
    "失智老人的照护支持。",
    "陪老人聊聊天的志愿服务。",
    "儿童防溺水、防拐骗的安全教育。",
    "青少年暑期社会实践机会。",
    "孩子的兴趣班能便宜点就好了。",
    "希望有给小学生的作业辅导，家长辅导不来。",
    "妇女健康检查，两癌筛查。",
    "口腔检查和护牙知识，老人小孩都需要。",
    "营养配餐的指导，老人家吃得太咸。",
    "运动康复、颈椎腰椎的理疗。",
    "职业规划讲座，给刚毕业的年轻人。",
    "电脑基础培训，中年人也想学。",
    "增加一些夜校课程，下班后可以学。",
    "手机摄影、视频拍摄的课程。",
    "跟周边大学合作，请大学生来上课。",
    "文艺演出，让居民自己上台表演。",
    "户外徒步、亲子露营之类的活动。",
    "社区运动会，各个年龄段都能参加。",
    "老年人的合唱队、舞蹈队多给点场地。",
    "希望有社区幼儿园或者托儿所。",
    "老人需要有人帮忙网上缴水电费。",
    "家政服务的信息对接，找保姆有保障。",
    "更多的便民服务，比如磨刀、补衣服。",
    "外籍居民的服务和中文课程。",
    "给来穗人员的子女入学咨询。",
    "社区心理健康热线。",
    "给失业人员的生活补助和培训。",
    "帮忙对接一些兼职，学生假期可以做。",
    "希望能有夜间的自习室。",
    "共享书房，安静看书的地方。",
    "居家养老的上门护理服务。",
    "给老人安装防滑扶手和地垫。",
    "高龄老人的生日会，热闹一下。",
    "长者助浴服务。",
    "孩子放学到家长下班之间的两个小时最需要人看。",
    "跟老人家一起做些怀旧活动，讲讲老广州的故事。",
    "有人教教怎么用医保小程序就好了。",
    "小区里想有个能坐下来喝茶聊天的地方。",
    "乒乓球台、健身器材多几套。",
    "希望可以组织业主和租户一起的联谊活动。",
    "多一点老少同乐的活动。",
    "想有人帮忙看看合同、处理劳动纠纷。",
    "有人上门帮老人打扫卫生就好了。",
    "给上班族的周末课程，比如烘焙、咖啡。",
    "二胎家庭的育儿交流。",
    "想学游泳，附近没有公共泳池。",
]
# q_suggestions, residents / volunteers / social-organisation workers
SUGGESTIONS_RESIDENT = [
    "建议周末至少开半天，方便上班族。",
    "能不能延长开放时间到晚上七点。",
    "中午轮流吃饭，不要关窗口。",
    "月初人多的时候多开一个窗口。",
    "增加工作人员，特别是高峰期。",
    "加强工作人员的业务培训。",
    "把需要的材料做成一张清单，网上和现场统一。",
    "推广网上预约，到了直接办，不用排队。",
    "能线上办理的尽量线上办理。",
    "简化流程，少让居民跑腿。",
    "一次性告知所有材料，别让人跑好几趟。",
    "多在抖音、视频号上宣传。",
    "宣传栏的字写大一点，老人看得清。",
    "在小区门口贴二维码，扫码就能进群看通知。",
    "活动提前一周通知，别临时才说。",
    "多搞一些年轻人喜欢的活动。",
    "活动安排在晚上或者周末。",
    "请专业老师来上课，不要光靠志愿者。",
    "开设粤剧班、书法班。",
    "跟附近的大学合作，请大学生来开课。",
    "跟学校合作办四点半课堂。",
    "办亲子读书会，每周固定时间。",
    "先做个需求调查，问问居民想要什么活动。",
    "分年龄段设计活动，老人、孩子、中年人都照顾到。",
    "多办些岭南传统文化的活动。",
    "活动要常态化，不要搞一次就没了。",
    "恢复志愿积分，积分可以换日用品。",
    "让志愿者参与活动策划。",
    "给年轻志愿者安排老志愿者带一带。",
    "定期开居民议事会，议事结果要公开。",
    "居民提的意见要有回复，办没办、怎么办都说清楚。",
    "多听听居民的意见，别光听上面的。",
    "邀请辖区企业和商家一起参与社区建设。",
    "和物业、学校、医院建立共建关系。",
    "引入更多专业的社会组织。",
    "让租户也能参加社区议事。",
    "建个线上议事群，上班族也能发表意见。",
    "恢复每月的义诊。",
    "请家庭医生每周来中心坐诊。",
    "开个长者饭堂。",
    "多组织招聘会和技能培训。",
    "针对年轻人搞就业指导。",
    "提供给外籍居民的英文指引。",
    "提供粤语服务，照顾只会讲粤语的老人。",
    "增加座椅，老人不用站着等。",
    "修好自助机，旁边安排人指导。",
    "换掉旧电脑，系统太慢了。",
    "做个无障碍通道。",
    "开放活动室给居民自己组织活动。",
    "给年轻人一点场地和经费，让他们自己搞活动。",
    "图书室多买点新书，特别是童书。",
    "设置意见箱，定期公开处理结果。",
    "满意度评价要真实，不要只是走形式。",
    "减少形式主义，活动不要只为了拍照。",
    "保持现在的服务就好，挺满意的。",
    "工作人员很辛苦，希望提高他们的待遇。",
    "继续保持，工作人员都很热情。",
    "多搞一些邻里活动，让大家互相认识。",
    "欢迎新居民，搞个迎新活动。",
    "老旧小区的问题要有专人跟进。",
    "中心的服务项目要公示出来，让大家知道能办什么。",
    "服务要更贴近居民，少一点官僚作风。",
    "多下社区，上门服务行动不便的老人。",
    "建立独居老人的定期探访制度。",
    "可以设立时间银行，年轻时服务别人，老了有人服务你。",
    "请律师定期来做法律咨询。",
    "开设心理咨询室。",
    "给双职工家庭提供课后托管。",
    "暑假办个夏令营，孩子有地方去。",
    "多办一些亲子活动。",
    "多开几期智能手机课。",
    "把兴趣班的名额增加一些。",
    "服务窗口增加预约号和现场号的区分。",
    "叫号系统要规范，不要让人插队。",
    "夏天空调开足一点，冬天别开太冷。",
    "门口设个停车区。",
    "和社区卫生服务站联动，量血压不用跑医院。",
    "组织商家联盟，给居民一些优惠。",
    "让党员带头参与志愿服务。",
    "发挥楼长的作用，把通知带到每家每户。",
    "明确中心和居委的分工，别互相推。",
    "给基层减负，少一点检查和报表。",
    "多一些经费投入，别让中心巧妇难为无米之炊。",
    "活动后做个回访，看看大家满不满意。",
    "开发个小程序，活动报名、办事预约都在上面。",
    "活动内容可以多样化一点，不要老是唱歌跳舞。",
    "多办点实用的讲座，比如理财、急救、育儿。",
    "希望能有英语角，外国邻居也能参与。",
    "组织社区运动会，全家都能参加。",
    "多培养一些本地的文化骨干。",
    "给退休老师、老干部搭个平台，让他们发挥余热。",
    "希望工作人员更有耐心一点。",
    "窗口人员要固定，不要老换人。",
    "提高效率，一件事不要办半个小时。",
    "把老人和上班族的办事时间错开。",
    "在不同社区设流动服务点。",
    "请社区里的年轻人一起参与管理。",
    "多和居民沟通，了解真实需求。",
    "继续办好现在的活动，再加点新内容。",
    "做好垃圾分类的指导，别光罚款。",
    "能不能开个夜校。",
    "希望中心成为大家愿意来的地方，而不只是办事的地方。",
    "做好信息公开，经费怎么用要让居民知道。",
    "设置儿童阅读角。",
]
# q_suggestions, service-center staff
SUGGESTIONS_STAFF = [
    "明确中心的职责清单，不是中心的事不要往下压。",
    "给基层减负，减少台账和重复报表。",
    "增加编制，配足窗口人员。",
    "考核要看居民满意度，不只看活动场次。",
    "提高工作人员待遇，留住人才。",
    "延时服务要配套加班补贴或者补休。",
    "设立专项文化经费，能请专业老师。",
    "社工项目改成三年一签，保证服务连续性。",
    "建立辖区单位联席会议，每季度开一次。",
    "建立志愿服务激励机制，积分可兑换。",
    "统一各部门的数据报送系统，一次录入多处使用。",
    "多组织业务培训，政策变化及时通知窗口。",
    "活动前做需求调研，按需设计项目。",
    "扩大活动场地，或者借用学校、企业的场地。",
    "引入更多社会组织，承接专业服务。",
    "让居民代表参与中心的年度计划制定。",
    "检查评比能合并的尽量合并。",
    "建立居民意见的收集、办理、反馈闭环。",
    "给窗口配备更新的设备。",
    "推动线上线下结合，简单业务全部网上办。",
    "发动辖区企业认领公益项目。",
    "把年轻人纳入志愿者骨干队伍。",
    "中心的工作要有稳定的经费保障。",
    "希望上级多下来听听一线的声音。",
]
# (q_dissatisfied, q_needs, q_suggestions) of the respondents who answered in English
ENGLISH = [
    ("The queue at the start of the month is terrible, I waited over an hour.",
     "Some health check-ups for older people, and a Cantonese class for newcomers.",
     "Let people book online and publish a clear checklist in English."),
    ("Closed on weekends, and I work Monday to Friday.",
     "After-school care for kids of working parents.",
     "Open on Saturday mornings at least."),
    ("Nothing really, the staff were friendly and helpful.",
     "Job fairs and vocational training for young people.",
     "Keep up the good work."),
    ("I didn't know about any of the activities until they were over.",
     "A homework club for children and a weekend football group.",
     "Post announcements somewhere non-Chinese speakers can see them, not only in WeChat groups."),
    ("The opening hours are not a problem for me.",
     "A doctor who speaks some English, once a month would be enough.",
     "Invite foreign residents to volunteer, many of us would like to help."),
    ("The procedure for registering my address was confusing and I had to come back three times.",
     "",
     "Simplify the paperwork and train the counter staff."),
    ("Only one clerk was working and she was quite impatient.",
     "Meal service for elderly neighbours who live alone.",
     "Hire more staff for the busy days."),
    ("",
     "Language exchange, and classes on Chinese cooking or calligraphy.",
     "More cultural events that mix locals and foreigners."),
]

ONE_WORD_DISSATISFIED = ["无", "没有", "都挺好", "暂无", "没意见", "没什么不满意的", "还行", "无。", "挺好的", "不清楚"]
ONE_WORD_NEEDS = ["无", "暂时没有", "都可以", "不需要", "没有", "不知道"]
ONE_WORD_SUGGESTIONS = ["无", "没有", "继续保持", "暂无", "加油", "没建议", "都挺好"]

# (blank probability, one-word probability) per question
RATES = {
    "q_dissatisfied": (0.14, 0.12),
    "q_needs": (0.12, 0.05),
    "q_suggestions": (0.17, 0.07),
}


class Pool:
    """Draws answers without replacement; reshuffles only when exhausted."""

    def __init__(self, answers: list[str], rng: random.Random) -> None:
        self.answers = list(answers)
        self.rng = rng
        self.left: list[str] = []

    def draw(self) -> str:
        if not self.left:
            self.left = self.answers[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


def make_profile(rng: random.Random) -> dict[str, str]:
    role = rng.choices(["居民", "工作人员", "志愿者", "社会组织"], weights=[72, 15, 9, 4])[0]
    if role == "工作人员":
        age = rng.choices(["18-29", "30-44", "45-59"], weights=[40, 45, 15])[0]
    elif role == "志愿者":
        age = rng.choices(["18-29", "30-44", "45-59", "60+"], weights=[20, 10, 20, 50])[0]
    elif role == "社会组织":
        age = rng.choices(["18-29", "30-44", "45-59"], weights=[50, 40, 10])[0]
    else:
        age = rng.choices(["18-29", "30-44", "45-59", "60+"], weights=[18, 30, 24, 28])[0]
    local_share = {"60+": 0.85, "45-59": 0.6, "30-44": 0.4, "18-29": 0.45}[age]
    hukou = "本地" if rng.random() < local_share else "非本地"
    if hukou == "本地":
        years = rng.choices(["<1", "1-5", "5-10", ">10"], weights=[3, 12, 20, 65])[0]
    else:
        years = rng.choices(["<1", "1-5", "5-10", ">10"], weights=[18, 45, 25, 12])[0]
    district = rng.choices(DISTRICTS, weights=[22, 20, 18, 16, 14, 10])[0]
    return {"role": role, "age_group": age, "years_of_residence": years,
            "hukou": hukou, "district": district}


def main() -> None:
    rng = random.Random(SEED)
    needs = Pool(NEEDS, rng)  # staff are residents too: one shared pool
    pools = {  # (question, is_staff) -> pool
        ("q_dissatisfied", False): Pool(DISSATISFIED_RESIDENT, rng),
        ("q_dissatisfied", True): Pool(DISSATISFIED_STAFF, rng),
        ("q_needs", False): needs,
        ("q_needs", True): needs,
        ("q_suggestions", False): Pool(SUGGESTIONS_RESIDENT, rng),
        ("q_suggestions", True): Pool(SUGGESTIONS_STAFF, rng),
    }
    one_word = {
        "q_dissatisfied": ONE_WORD_DISSATISFIED,
        "q_needs": ONE_WORD_NEEDS,
        "q_suggestions": ONE_WORD_SUGGESTIONS,
    }
    profiles = [make_profile(rng) for _ in range(N_RESPONDENTS)]
    # English answers go to non-local residents spread over the file.
    candidates = [i for i, p in enumerate(profiles) if p["role"] == "居民" and p["hukou"] == "非本地"]
    english_rows = dict(zip(sorted(rng.sample(candidates, len(ENGLISH))), ENGLISH))

    rows = []
    for i, profile in enumerate(profiles):
        row = {"respondent_id": f"S{i + 1:03d}", **profile}
        staff = profile["role"] == "工作人员"
        for j, q in enumerate(["q_dissatisfied", "q_needs", "q_suggestions"]):
            if i in english_rows:
                row[q] = english_rows[i][j]
                continue
            p_blank, p_one = RATES[q]
            r = rng.random()
            if r < p_blank:
                row[q] = ""
            elif r < p_blank + p_one:
                row[q] = rng.choice(one_word[q])
            else:
                row[q] = pools[(q, staff)].draw()
        rows.append(row)

    with OUT.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} respondents to {OUT}")


if __name__ == "__main__":
    main()
