"""Given names common in the Member States and in the countries of origin and transit the network
works with, and the domains of mail services open to anyone: what shows a mailbox, a link's slug
or a handle to be a person's (`giulia.ferraresi@`, `/news/ibrahim-diallo-…`, `…@gmail.com`)."""

from __future__ import annotations

from app.platform.patterns import words

# The most common ones: a link's slug holding one and another word names a person
# (`ibrahim-diallo-arrested`); the longer list below reads mailboxes only (`abu-dhabi` is no one).
COMMON_GIVEN_NAMES = words(
    """john james michael david robert william thomas daniel paul mark peter george richard
    anna maria mary sarah laura emma sophie julia elena olga natalia irina svetlana ivan
    sergei sergey dmitri andrei alexander alexandre alessandro alejandro carlos juan jose josé
    luis miguel javier antonio manuel francisco pedro jorge pablo diego marco luca giuseppe
    giovanni francesco andrea matteo lorenzo paolo pierre jean jacques michel philippe nicolas
    francois françois louis marie claire julie hans klaus jürgen jurgen stefan thomas andreas
    wolfgang lukas jan pieter piet johannes willem sanne ahmed ahmad mohammed mohamed muhammad
    mohammad mahmoud mustafa mostafa ali omar umar hassan hussein hussain ibrahim ismail youssef
    yusuf yousef khalid karim abdul abdullah abdallah abdel said saeed samir tariq bilal hamza
    amir reza hamid farid rashid nasser fatima fatma aisha aicha amina khadija mariam maryam
    zainab leila layla nour noor samira yasmin yasmine hana moussa mamadou ibrahima amadou
    abdoulaye ousmane oumar cheikh modou lamine seydou boubacar fatou aminata awa kadiatou
    chukwuma chidi emeka obinna ngozi chinedu oluwaseun tunde kwame kofi kwaku yaw ama akosua
    samuel emmanuel joseph isaac abraham solomon yonas dawit abel tesfaye haile selam
    mehmet ahmet mustafa murat emre hakan elif zeynep ayse ayşe esra huseyin hüseyin
    raj rahul amit sanjay vijay priya anil sunil imran asif arif shahid zahid nadeem naveed
    faisal kamran usman irfan wasim javed jawad rahim rahman nasir"""
)


MORE_GIVEN_NAMES = COMMON_GIVEN_NAMES | words(
    """adam alan albert alfred alice amanda amelia andrew angela ann anne annie anthony arthur
    barbara ben benjamin bernard beth brian bruce carl carol caroline catherine charles
    charlotte chris christian christina christine christopher claudia colin craig dan
    deborah dennis diana donald dorothy douglas edward eileen eleanor elizabeth ellen emily
    eric eva frank fred gary gavin gerald grace graham hannah harry helen henry ian jack
    jacob jane janet jason jennifer jessica joan joanna joe jonathan judith karen kate
    katherine kathleen kelly kenneth kevin larry linda lisa liam lucy margaret martin
    matthew megan melissa nancy neil nicholas nicola oliver patricia patrick rachel rebecca
    richard roger ronald rose ruth ryan sandra sean sharon simon stephen steven susan
    teresa timothy tom tony victoria walter
    aoife ciara niamh siobhan sinead declan eoin ciaran padraig
    anke annette barbel birgit brigitte claudia dagmar dieter dirk elke erik friederike
    gerhard gisela gudrun günter gunter hannelore heike heinz helga helmut holger horst
    ilse ingrid jens joachim jörg jorg karl karin katrin kerstin lars manfred markus
    martina matthias monika nadine petra rainer ralf renate sabine sandra silke susanne
    svenja torsten ulrich ulrike ursula uwe volker werner bernd frank heinrich hermann
    otto gustav fritz franz josef sepp florian tobias maximilian felix leon finn jonas
    lena lea mia hanna johanna katharina sophia marlene greta frieda
    agnès alain amélie anaïs antoine arnaud aurélie benoît bernadette brigitte camille
    caroline cécile céline christophe clément corinne damien delphine denis didier
    dominique élodie émilie éric étienne fabien fabrice florence franck frédéric gaëlle
    geneviève gérard gilles guillaume hélène hervé isabelle jacqueline jérôme joël
    josiane julien laurent léa lucie luc ludovic madeleine manon marc margaux martine
    mathieu maxime mélanie monique nathalie océane olivier pascal pascale patrice
    raphaël rémi sébastien serge stéphane sylvie thierry valérie véronique vincent
    virginie yannick yves agnes amelie anais aurelie benoit cecile celine clement elodie
    emilie etienne frederic gaelle genevieve gerard helene herve jerome joel lea mathilde
    melanie oceane raphael remi sebastien stephane valerie veronique
    alberto alessandra alessia angelo anna antonella barbara beatrice carla carlo
    caterina chiara claudio cristina daniela daniele davide domenico elisa emanuele
    enrico enzo fabio federica federico filippo franca francesca gabriele giacomo
    gianluca gianni giorgia giorgio giulia giulio giuliana ilaria lucia luigi manuela
    marcello mario marta massimo maurizio michela michele monica nicola paola pietro
    raffaele riccardo roberta roberto rosa salvatore sergio silvia simona simone stefania
    stefano tiziana valentina valerio vincenzo vittoria
    adrián agustín alba alicia álvaro ana andrés ángel beatriz belén carmen concepción
    consuelo cristóbal dolores eduardo elena enrique esperanza esteban fernando gonzalo
    guillermo ignacio inés isabel jaime jesús joaquín julián lorena lourdes marta mercedes
    montserrat nuria pilar rafael ramón raquel rocío rosario santiago sergio teresa
    vicente adrian agustin alvaro andres angel belen concepcion cristobal ines jesus
    joaquin julian rocio ramon
    bram daan dirk eline els femke floor hendrik henk jeroen joost kees koen lieke lotte
    maarten marieke marleen martijn niels pim reinier roel ruud sander sjoerd thijs tim
    wouter anouk annelies bas bart esther fleur geert inge joris karel lieve mieke noor
    wim yvonne
    agnieszka anna barbara ewa katarzyna magdalena małgorzata malgorzata marta monika
    piotr paweł pawel krzysztof tomasz michał michal marcin łukasz lukasz grzegorz
    jakub mateusz wojciech zofia joanna dorota jolanta bogdan tadeusz
    joão joao ana rita mariana inês beatriz tiago rui nuno gonçalo goncalo duarte
    bruno diogo ricardo hélder helder
    bjorn björn erik lars anders nils sven gustav ingrid astrid karin kristina mikael
    mette henrik jesper mads søren soren niklas jukka mikko matti antti pekka
    aleksandar aleksandra dragan dejan goran milan milos miloš nikola zoran marko
    stefan branko vesna jelena ivana snezana dusan dušan petar predrag slobodan
    bogdan florin mihai ionut ioana cristian gheorghe vasile radu adriana andreea
    dimitris giorgos nikos yiannis kostas eleni maria katerina georgios konstantinos
    abdelkader abdelaziz abderrahmane abdelhak abdelali abdellah abdou adil ahmadou
    aissatou alassane aliou amadou aminata assane aziz bakary boubacar bouba
    brahim driss hadj fadel fadila farah farida fatoumata habib hadi hakim hamed
    hicham houssam ilyas issa jamal jamila kader kamal karima khaled khalil lahcen
    latifa lotfi malika malik mariem meriem mohsen mounir mourad moustapha nabil nadia
    naima najib nawal noura omar othmane rachid rania rachida redouane rkia saad
    sabrina saida salah salim salma sami sana sara sofiane sofia souad sufian
    sulaiman suleiman taha tarek walid yacine yahya yassin yassine younes youssouf
    zakaria zineb zoubir anis ayoub badr hamid hatim ikram imane ines issam jawad
    karim mehdi mohcine nadir oussama rida sanae soufiane wafa wissal yasser
    ndeye coumba mame astou binta dieynaba khady maimouna mariama ramatoulaye rokhaya
    sokhna babacar cheikhou demba djibril ibou khadim lamine malick mbaye
    moustapha ndiaga pape saliou serigne souleymane tidiane
    adebayo adeola ayodele babatunde bolaji chiamaka chinonso chioma ebuka folake
    funmilayo ifeoma ikechukwu kelechi nnamdi olamide olusegun seun tobi uche yemi
    abena adjoa afia akua efua esi kojo kwabena kwesi yaa
    aster abebe alemu berhane biniam eyob fikre girma hailu kidane mekonnen mulugeta
    tekle tewodros tsegaye yohannes yared meron saba selamawit helen
    abdi abdirahman abdullahi farah hodan hawa hussein ilhan liban mohamud sahra
    ahmadullah ahmadzai bashir ghulam habibullah hamidullah jamshid mirwais najibullah
    rahmatullah sayed shafiq zabihullah zahra zarmina farzana hosna mahbooba
    ali-reza alireza ehsan farhad hossein javad kaveh mahdi majid mehran mohsen
    morteza nima parisa payam pouya ramin saeed shirin soheil
    aleksandr aleksei alexei andrey anton artem boris denis dmitry egor evgeny igor
    kirill maxim mikhail nikolai oleg pavel roman ruslan vadim viktor vladimir yuri
    anastasia daria ekaterina irina ksenia lyudmila marina nadezhda oksana polina
    tatiana tatyana valentina yulia
    arjun deepak kiran krishna manoj mohan naresh pradeep rajesh ramesh ravi sandeep
    sunita suresh anjali deepika kavita lakshmi neha pooja rekha sita
    arafat hasina jahangir kamal mizanur nazrul rafiq shahidul
    jhon edinson yeison wilson andrés camilo sebastián alejandra daniela valentina
    yesenia yolanda lucía mauricio
    dragana milica jovana ljubica biljana gordana mirjana nevena tijana danijela
    dorota agata beata bozena ewelina grazyna halina justyna karolina kinga urszula zuzanna
    zsofia zsófia eszter katalin erzsebet erzsébet judit krisztina laszlo lászló zoltan zoltán
    istvan istván gabor gábor tamas tamás peter péter janos jános ferenc attila balazs balázs
    mihaela lavinia aurelia simona roxana ramona oana alina corina cosmin marius sorin ciprian
    jiri jiří petr pavel tomas tomáš lukas lukáš jana lenka petra veronika hana eva martina
    kristina ieva ruta rūta inga liene janis jānis andris tomas mindaugas darius aivars
    gunnar henrike wiebke malte jannik hauke frauke meike kai jonte britta silke gesine
    ineke gerrit hendrika anneke dieuwke jelle sietske hylke tjeerd wybren jolanda marloes
    yvette ghislaine solène solene maëlle maelle gwenaëlle loïc loic enzo mattia alessio
    ginevra ludovica asier iker ainhoa itziar nerea begoña begona maite xavier jordi montse
    oriol núria aitana leire unai eneko mikel amaia
    aiden aidan brendan conor connor dermot fionn grainne gráinne orla roisin róisín seamus
    bartholomew beatrix cornelia dagny helene ida ingeborg johan karsten leif magnus mats
    nora ole per rasmus sigrid solveig stig sune torben ulf
    antonia benedetta camilla cecilia costanza elisabetta flavia gaia irene lavinia marina
    noemi ornella rebecca sabrina serena teresa viola
    amal asma basma dalia dina eman ghada hala hiba huda iman jana lina lubna mona nada
    nadine nisrine rana randa rasha reem rim rola ruba salwa samar sawsan suha widad yara
    abdelrahman adnan ammar anas ayman bassam fadi firas ghassan hani haitham hisham hosam
    ibrahim imad issa jihad kareem louay maher majd marwan mazen mohannad muhannad nabeel
    nidal osama qais rami rashad riad sameer shadi tamer wael waleed yazan ziad
    aliou bamba bintou coumba diarra djeneba fanta hawa kadidia mariam nafissatou oumou
    rokia salimata sira tenin adama bakary daouda drissa fousseyni lassana mamadou modibo
    seydou siaka souleymane yacouba
    eyerusalem hiwot meseret tigist tsion yeshi bereket dawit ermias filmon habtom kibrom
    mehari merhawi samson semere tedros tekie tesfay tesfaye yemane yonatan
    habiba hamida masuda nadia nazia parwin roya shabnam shakila soraya wahida ahmadshah
    aziz bismillah esmatullah farid hamid jawid khan mahmood nasrullah qadir sharif wahid
    ayesha bushra fariha hira iqra mahnoor nimra rabia sadia saima sana uzma waqas zeeshan
    bogdan dmytro mykola oleksandr oleksii serhii taras volodymyr yaroslav yevhen olena
    kateryna oksana svitlana tetiana yuliia halyna nataliia"""
)

GIVEN_NAMES = COMMON_GIVEN_NAMES | MORE_GIVEN_NAMES

# Mail services open to anyone: a mailbox there is a person's (or a small business's), never a
# public authority's.
PUBLIC_MAIL_DOMAINS = words(
    """gmail googlemail yahoo ymail hotmail outlook live msn aol icloud proton
    protonmail tutanota gmx web t-online freenet posteo mailbox libero virgilio alice tin
    tiscali orange wanadoo free laposte sfr neuf club-internet terra telefonica movistar ono
    ziggo kpnmail kpnplanet hetnet home planet chello xs4all telenet skynet yandex mail rambler
    inbox zoho fastmail hushmail"""
)
